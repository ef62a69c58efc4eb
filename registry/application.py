"""The one application service the API and the CLI call: commands in, plain data out.

Every command takes the acting ``Principal``, checks its role and district, optionally checks
the version the caller last saw (``If-Match``), runs the aggregate's command and saves, and
answers a ``WriteResult`` with the notification position for read-your-writes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError
from sqlalchemy import Engine

from registry.cases import RefundCaseCommands
from registry.contracts import ContractCommands
from registry.domain.clock import end_of_day, today
from registry.domain.clock_stream import CLOCK_ID, RegistryClock
from registry.domain.errors import Conflict, NotFound
from registry.domain.institution import Institution
from registry.domain.principal import Principal
from registry.eventlog import EventLog, LoggedEvent
from registry.reactions import ContractFreezer
from registry.results import WriteResult
from registry.settings import Settings

REGULATORS = ("regulator",)

A = TypeVar("A", bound=Aggregate)


def institution_view(inst: Institution) -> dict[str, Any]:
    """The full regulator view of an institution, as plain data (a copy: the aggregate may be
    cached, and nothing a caller does to the view may reach it)."""
    return copy.deepcopy(
        {
            "id": str(inst.id),
            "name": inst.name,
            "credit_code": inst.credit_code,
            "district_code": inst.district_code,
            "address": inst.address,
            "category": inst.category,
            "subjects": list(inst.subjects),
            "delivery": inst.delivery,
            "legal_form": inst.legal_form,
            "legal_representative": inst.legal_representative,
            "icp_number": inst.icp_number,
            "successor_of": inst.successor_of,
            "status": inst.status,
            "licence": inst.licence,
            "supervision": inst.supervision,
            "blacklisted": inst.blacklisted,
            "blacklisting": inst.blacklisting,
            "staff": [dict(s) for s in inst.staff],
            "inspections": list(inst.inspections.values()),
            "rectification_orders": list(inst.rectification_orders.values()),
            "open_rectification_orders": [o["id"] for o in inst.open_orders()],
            "suspension": inst.suspension,
            "penalties": list(inst.penalties),
            "revocation": inst.revocation,
            "conversion": inst.conversion,
            "cessation": inst.cessation,
            "deregistration": inst.deregistration,
            "version": inst.version,
            "registered_at": inst.created_on.isoformat(),
            "modified_at": inst.modified_on.isoformat(),
        }
    )


class Registry(ContractCommands, RefundCaseCommands, Application[UUID]):
    """Commands of regulators, feeds and courts; queries of the write model."""

    name = "Registry"
    env: ClassVar[dict[str, str]] = {"AGGREGATE_CACHE_MAXSIZE": "5000"}

    def __init__(self, settings: Settings, engine: Engine) -> None:
        super().__init__(env=settings.eventsourcing_env())
        self.settings = settings
        self.event_log = EventLog(self, engine, settings)
        self.contract_freezer = ContractFreezer(self, engine)

    # -- plumbing ----------------------------------------------------------------------------

    def _get(self, cls: type[A], aggregate_id: UUID, what: str) -> A:
        try:
            aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(f"no {what} {aggregate_id}") from None
        if not isinstance(aggregate, cls):
            raise NotFound(f"no {what} {aggregate_id}")
        return aggregate

    def _save(self, *aggregates: Aggregate, extra: dict[str, Any] | None = None) -> WriteResult:
        """Save atomically; a concurrent writer that got there first makes this a 409."""
        try:
            recordings = self.save(*aggregates)
        except IntegrityError:
            raise Conflict(
                "the record was changed by another request at the same time; read it and retry"
            ) from None
        head = aggregates[0]
        return WriteResult(head.id, head.version, recordings[-1].notification.id, extra)

    @staticmethod
    def _check_version(aggregate: Aggregate, expected_version: int | None) -> None:
        if expected_version is not None and expected_version != aggregate.version:
            raise Conflict(
                f"version {expected_version} is stale; the record is at version {aggregate.version}"
            )

    def _institution_command(
        self,
        principal: Principal,
        institution_id: UUID,
        expected_version: int | None,
        command: Callable[[Institution], None],
        roles: tuple[str, ...] = REGULATORS,
        extra: dict[str, Any] | None = None,
    ) -> WriteResult:
        inst = self._get(Institution, institution_id, "institution")
        principal.require(roles, inst.district_code)
        self._check_version(inst, expected_version)
        command(inst)
        return self._save(inst, extra=extra)

    # -- institution commands ----------------------------------------------------------------

    def register_institution(self, principal: Principal, **fields: Any) -> WriteResult:
        """A regulator enters an institution of its district; one registration per credit code."""
        principal.require(REGULATORS, fields["district_code"])
        successor_of = fields.pop("successor_of", None)
        if successor_of is not None:
            predecessor = self._get(Institution, successor_of, "predecessor institution")
            principal.require(REGULATORS, predecessor.district_code)
        inst = Institution.register(**fields, successor_of=successor_of, actor=principal.as_actor())
        try:
            return self._save(inst)
        except Conflict:
            raise Conflict(f"credit code {inst.credit_code} is already registered") from None

    def issue_licence(
        self,
        principal: Principal,
        institution_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._institution_command(
            principal,
            institution_id,
            expected_version,
            lambda i: i.issue_licence(**fields, actor=principal.as_actor()),
        )

    def renew_licence(
        self,
        principal: Principal,
        institution_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._institution_command(
            principal,
            institution_id,
            expected_version,
            lambda i: i.renew_licence(**fields, actor=principal.as_actor()),
        )

    def file_staff_member(
        self,
        principal: Principal,
        institution_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._institution_command(
            principal,
            institution_id,
            expected_version,
            lambda i: i.file_staff_member(**fields, actor=principal.as_actor()),
        )

    def establish_fund_supervision(
        self,
        principal: Principal,
        institution_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._institution_command(
            principal,
            institution_id,
            expected_version,
            lambda i: i.establish_fund_supervision(**fields, actor=principal.as_actor()),
        )

    def record_inspection(
        self,
        principal: Principal,
        institution_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        inspection_id = str(uuid4())
        return self._institution_command(
            principal,
            institution_id,
            expected_version,
            lambda i: i.record_inspection(
                inspection_id=inspection_id, **fields, actor=principal.as_actor()
            ),
            extra={"inspection_id": inspection_id},
        )

    def order_rectification(
        self,
        principal: Principal,
        institution_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        order_id = str(uuid4())
        fields["issued_on"] = fields.get("issued_on") or today()
        return self._institution_command(
            principal,
            institution_id,
            expected_version,
            lambda i: i.order_rectification(
                order_id=order_id, **fields, actor=principal.as_actor()
            ),
            extra={"order_id": order_id},
        )

    def verify_rectification(
        self,
        principal: Principal,
        institution_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._institution_command(
            principal,
            institution_id,
            expected_version,
            lambda i: i.verify_rectification(**fields, actor=principal.as_actor()),
        )

    def suspend_enrolment(
        self,
        principal: Principal,
        institution_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._institution_command(
            principal,
            institution_id,
            expected_version,
            lambda i: i.suspend_enrolment(**fields, actor=principal.as_actor()),
        )

    def lift_suspension(
        self,
        principal: Principal,
        institution_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._institution_command(
            principal,
            institution_id,
            expected_version,
            lambda i: i.lift_suspension(**fields, today=today(), actor=principal.as_actor()),
        )

    def impose_penalty(
        self,
        principal: Principal,
        institution_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._institution_command(
            principal,
            institution_id,
            expected_version,
            lambda i: i.impose_penalty(**fields, actor=principal.as_actor()),
        )

    def revoke_licence(
        self,
        principal: Principal,
        institution_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._institution_command(
            principal,
            institution_id,
            expected_version,
            lambda i: i.revoke_licence(**fields, actor=principal.as_actor()),
        )

    def start_conversion(
        self,
        principal: Principal,
        institution_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._institution_command(
            principal,
            institution_id,
            expected_version,
            lambda i: i.start_conversion(**fields, actor=principal.as_actor()),
        )

    def complete_conversion(
        self,
        principal: Principal,
        institution_id: UUID,
        *,
        successor_id: UUID,
        completed_on: date,
        expected_version: int | None = None,
    ) -> WriteResult:
        """Close a conversion once the registered non-profit successor can carry its liabilities."""
        successor = self._get(Institution, successor_id, "successor institution")
        principal.require(REGULATORS, successor.district_code)
        return self._institution_command(
            principal,
            institution_id,
            expected_version,
            lambda i: i.complete_conversion(
                successor=successor,
                open_contracts=self.open_contract_count(i.id),
                completed_on=completed_on,
                actor=principal.as_actor(),
            ),
        )

    def cease_operations(
        self,
        principal: Principal,
        institution_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        """Record a cessation; an abnormal one freezes the open contracts straight away."""
        result = self._institution_command(
            principal,
            institution_id,
            expected_version,
            lambda i: i.cease_operations(**fields, actor=principal.as_actor()),
        )
        self.contract_freezer.run_once()
        return result

    def blacklist(
        self,
        principal: Principal,
        institution_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        fields["listed_on"] = fields.get("listed_on") or today()
        return self._institution_command(
            principal,
            institution_id,
            expected_version,
            lambda i: i.blacklist(**fields, actor=principal.as_actor()),
        )

    def remove_from_blacklist(
        self,
        principal: Principal,
        institution_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        fields["removed_on"] = fields.get("removed_on") or today()
        return self._institution_command(
            principal,
            institution_id,
            expected_version,
            lambda i: i.remove_from_blacklist(**fields, actor=principal.as_actor()),
        )

    def deregister(
        self,
        principal: Principal,
        institution_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._institution_command(
            principal,
            institution_id,
            expected_version,
            lambda i: i.deregister(**fields, actor=principal.as_actor()),
        )

    # -- institution queries -----------------------------------------------------------------

    def institution(
        self, principal: Principal, institution_id: UUID, as_of: date | None = None
    ) -> dict[str, Any]:
        """The regulator view now, or as the registry knew it at the end of ``as_of``."""
        inst = self._get(Institution, institution_id, "institution")
        principal.require(REGULATORS, inst.district_code)
        if as_of is not None:
            inst = self._institution_as_of(inst, as_of)
        return institution_view(inst)

    def _institution_as_of(self, inst: Institution, as_of: date) -> Institution:
        cutoff = end_of_day(as_of)
        version = None
        for stored in self.events.get(inst.id):
            if stored.timestamp > cutoff:
                break
            version = stored.originator_version
        if version is None:
            raise NotFound(f"institution {inst.id} was not yet registered on {as_of.isoformat()}")
        found = self.repository.get(inst.id, version=version)
        assert isinstance(found, Institution)
        return found

    def institution_district(self, institution_id: UUID) -> str:
        return self._get(Institution, institution_id, "institution").district_code

    def institution_events(
        self, principal: Principal, institution_id: UUID, after_version: int = 0, limit: int = 50
    ) -> list[LoggedEvent]:
        """The institution's events in order, with positions, times and actors."""
        inst = self._get(Institution, institution_id, "institution")
        principal.require(REGULATORS, inst.district_code)
        return self.event_log.events(inst.id, after_version, limit)

    # -- the registry's clock ----------------------------------------------------------------

    def _clock(self) -> RegistryClock | None:
        try:
            clock: object = self.repository.get(CLOCK_ID)
        except AggregateNotFoundError:
            return None
        assert isinstance(clock, RegistryClock)
        return clock

    def review_day(self, principal: Principal, on: date) -> WriteResult | None:
        """Record that the registry reviewed ``on`` (time-based risk signals are judged then).

        Only the registry itself (its projector runner) or an admin; ``None`` when ``on`` is
        the day already reviewed, so every process may try once a day.
        """
        principal.require(())
        for _attempt in range(3):
            clock = self._clock() or RegistryClock.start(actor=principal.as_actor())
            if clock.last_reviewed_day == on:
                return None
            clock.review(on=on, actor=principal.as_actor())
            try:
                recordings = self.save(clock)
            except IntegrityError:  # another process reviewed first: read the clock again
                continue
            return WriteResult(clock.id, clock.version, recordings[-1].notification.id)
        raise Conflict("the registry's clock is busy; retry")

    def last_reviewed_day(self) -> date | None:
        """The last day the registry reviewed, if any."""
        clock = self._clock()
        return clock.last_reviewed_day if clock else None
