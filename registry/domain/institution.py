"""The Institution aggregate: one stream per off-campus training institution (校外培训机构).

Registration, revocation, conversion to non-profit (营转非), cessation, blacklisting and
deregistration; licensing and enforcement come from the layers it builds on.
"""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from registry.domain import dating, institution_events, rules
from registry.domain.conversion import (
    checked_registration,
    refuse_incomplete_conversion,
    refuse_unless_converting,
)
from registry.domain.enforcement import Enforcement
from registry.domain.licensing import Status, require_decision_no
from registry.domain.records import (
    RESTORED,
    Blacklisting,
    Cessation,
    Conversion,
    Deregistration,
    Revocation,
)
from registry.domain.rules import refuse_unless
from registry.domain.standing import latest
from registry.domain.vocabulary import OPERATING, Actor


class Institution(Enforcement):
    """A training institution's regulatory life: licence, supervision, enforcement, closure."""

    # Its events (declared in ``institution_events``, stored under this class's name).
    InstitutionRegistered = institution_events.InstitutionRegistered
    LicenceRevoked = institution_events.LicenceRevoked
    ConversionStarted = institution_events.ConversionStarted
    ConversionCompleted = institution_events.ConversionCompleted
    ConversionAbandoned = institution_events.ConversionAbandoned
    OperationsCeased = institution_events.OperationsCeased
    Blacklisted = institution_events.Blacklisted
    RemovedFromBlacklist = institution_events.RemovedFromBlacklist
    Deregistered = institution_events.Deregistered
    DecisionAnnulled = institution_events.DecisionAnnulled

    @staticmethod
    def create_id(credit_code: str) -> UUID:
        """One stream per credit code, so a second registration collides in the event store."""
        return uuid5(NAMESPACE_URL, f"/institutions/{credit_code}")

    @classmethod
    def register(
        cls,
        *,
        name: str,
        credit_code: str,
        district_code: str,
        address: str,
        category: str,
        subjects: list[str],
        delivery: str,
        legal_form: str,
        legal_representative: str,
        icp_number: str | None,
        successor_of: UUID | None,
        registered_on: date,
        actor: Actor,
    ) -> Institution:
        """A regulator enters an institution (legal person) into the register."""
        code = checked_registration(
            credit_code=credit_code,
            district_code=district_code,
            category=category,
            subjects=subjects,
            delivery=delivery,
            icp_number=icp_number,
        )
        return cls._create(
            cls.InstitutionRegistered,
            name=name,
            credit_code=code,
            district_code=district_code,
            address=address,
            category=category,
            subjects=list(subjects),
            delivery=delivery,
            legal_form=legal_form,
            legal_representative=legal_representative,
            icp_number=icp_number,
            successor_of=str(successor_of) if successor_of else None,
            registered_on=registered_on.isoformat(),
            actor=actor,
        )

    @event(InstitutionRegistered)
    def __init__(
        self,
        name: str,
        credit_code: str,
        district_code: str,
        address: str,
        category: str,
        subjects: list[str],
        delivery: str,
        legal_form: str,
        legal_representative: str,
        icp_number: str | None,
        successor_of: str | None,
        registered_on: str,
        actor: Actor,
    ) -> None:
        self._start_licensing(
            name=name,
            credit_code=credit_code,
            district_code=district_code,
            address=address,
            category=category,
            subjects=subjects,
            delivery=delivery,
            legal_form=legal_form,
            legal_representative=legal_representative,
            icp_number=icp_number,
            successor_of=successor_of,
            registered_on=registered_on,
        )
        self._start_enforcement()
        self.revocation: Revocation | None = None
        self.conversion: Conversion | None = None
        self.cessation: Cessation | None = None
        self.blacklisting: Blacklisting | None = None
        self.deregistration: Deregistration | None = None

    @property
    def blacklisted(self) -> bool:
        return self.blacklisting is not None

    # -- revocation ---------------------------------------------------------------------------

    def revoke_licence(
        self,
        *,
        decision_no: str,
        reason: str,
        notice_served_on: date,
        effective_on: date,
        actor: Actor,
    ) -> None:
        """The approving bureau revokes the licence (吊销办学许可证) after serving notice."""
        require_decision_no(decision_no)
        refuse_unless(
            self.status in OPERATING,
            rules.REVOCATION_STATE,
            f"only a licensed or suspended institution's licence is revoked; it is {self.status}",
        )
        refuse_unless(
            effective_on >= notice_served_on,
            rules.REVOCATION_NOTICE,
            "revocation cannot take effect before the notice was served",
        )
        self._check_dated("LicenceRevoked", effective_on)
        self._licence_revoked(
            decision_no=decision_no,
            reason=reason,
            notice_served_on=notice_served_on.isoformat(),
            effective_on=effective_on.isoformat(),
            actor=actor,
        )

    @event(LicenceRevoked)
    def _licence_revoked(
        self, decision_no: str, reason: str, notice_served_on: str, effective_on: str, actor: Actor
    ) -> None:
        self.status = Status.REVOKED
        self.suspension = None
        self.revocation = {
            "decision_no": decision_no,
            "reason": reason,
            "notice_served_on": notice_served_on,
            "effective_on": effective_on,
        }

    # -- conversion to non-profit (营转非) ------------------------------------------------------

    def start_conversion(
        self, *, started_on: date, planned_successor_name: str, actor: Actor
    ) -> None:
        """A licensed for-profit academic institution begins converting; enrolment and fees stop."""
        refuse_unless(
            self.status == Status.LICENSED and self.is_academic and not self.is_non_profit,
            rules.CONVERSION_ELIGIBLE,
            "conversion is for a licensed, for-profit, academic institution",
        )
        self._check_dated("ConversionStarted", started_on)
        self._conversion_started(
            started_on=started_on.isoformat(),
            planned_successor_name=planned_successor_name,
            actor=actor,
        )

    @event(ConversionStarted)
    def _conversion_started(
        self, started_on: str, planned_successor_name: str, actor: Actor
    ) -> None:
        self.status = Status.CONVERTING
        self.conversion = {
            "started_on": started_on,
            "planned_successor_name": planned_successor_name,
            "successor_id": None,
            "completed_on": None,
        }

    def complete_conversion(
        self,
        *,
        successor: Institution,
        open_contracts: int,
        completed_on: date,
        actor: Actor,
    ) -> None:
        """Conversion completes once the non-profit successor can carry every prepaid liability.

        ``open_contracts`` counts this institution's contracts still neither refunded nor
        transferred to the successor.
        """
        refuse_incomplete_conversion(self, successor, open_contracts)
        self._check_dated("ConversionCompleted", completed_on)
        self._conversion_completed(
            successor_id=str(successor.id),
            successor_credit_code=successor.credit_code,
            completed_on=completed_on.isoformat(),
            actor=actor,
        )

    @event(ConversionCompleted)
    def _conversion_completed(
        self, successor_id: str, successor_credit_code: str, completed_on: str, actor: Actor
    ) -> None:
        assert self.conversion is not None
        self.status = Status.CONVERTED
        self.conversion = {
            **self.conversion,
            "successor_id": successor_id,
            "successor_credit_code": successor_credit_code,
            "completed_on": completed_on,
        }

    def abandon_conversion(self, *, abandoned_on: date, reason: str, actor: Actor) -> None:
        """The conversion is abandoned (营转非终止): the institution is licensed again, as it
        was before it started; its contracts stay where they are."""
        refuse_unless_converting(self, "abandon")
        self._check_dated("ConversionAbandoned", abandoned_on)
        self._conversion_abandoned(
            abandoned_on=abandoned_on.isoformat(), reason=reason, actor=actor
        )

    @event(ConversionAbandoned)
    def _conversion_abandoned(self, abandoned_on: str, reason: str, actor: Actor) -> None:
        assert self.conversion is not None
        self.status = Status.LICENSED
        self.conversion = {
            **self.conversion,
            "abandoned_on": abandoned_on,
            "abandonment_reason": reason,
        }

    # -- cessation, blacklist, deregistration -------------------------------------------------

    def cease_operations(self, *, kind: str, ceased_on: date, reason: str, actor: Actor) -> None:
        """The institution stops operating, voluntarily or abnormally (闭店/跑路); a revoked one
        may still abscond, which freezes its contracts."""
        refuse_unless(
            self.status in (*OPERATING, Status.REGISTERED, Status.CONVERTING, Status.REVOKED),
            rules.CESSATION_STATE,
            f"an institution that is {self.status} cannot cease operations",
        )
        self._check_dated("OperationsCeased", ceased_on)
        self._operations_ceased(
            kind=kind, ceased_on=ceased_on.isoformat(), reason=reason, actor=actor
        )

    @event(OperationsCeased)
    def _operations_ceased(self, kind: str, ceased_on: str, reason: str, actor: Actor) -> None:
        self.status = Status.CEASED
        self.cessation = {"kind": kind, "ceased_on": ceased_on, "reason": reason}

    def blacklist(
        self, *, reasons: list[str], decision_no: str, listed_on: date, actor: Actor
    ) -> None:
        """The bureau puts the institution on the public blacklist (黑名单), also once it is
        deregistered (those who ran it stay on record)."""
        require_decision_no(decision_no)
        refuse_unless(
            bool([r for r in reasons if r.strip()]),
            rules.BLACKLIST_REASON,
            "blacklisting states at least one reason",
        )
        refuse_unless(not self.blacklisted, rules.BLACKLIST_STATE, "already blacklisted")
        self._check_dated("Blacklisted", listed_on)
        self._blacklisted(
            reasons=list(reasons),
            decision_no=decision_no,
            listed_on=listed_on.isoformat(),
            actor=actor,
        )

    @event(Blacklisted)
    def _blacklisted(
        self, reasons: list[str], decision_no: str, listed_on: str, actor: Actor
    ) -> None:
        self.blacklisting = {
            "reasons": list(reasons),
            "decision_no": decision_no,
            "listed_on": listed_on,
        }

    def remove_from_blacklist(self, *, decision_no: str, removed_on: date, actor: Actor) -> None:
        """The bureau takes the institution off the blacklist after rectification."""
        self._refuse_if_closed()
        require_decision_no(decision_no)
        refuse_unless(self.blacklisted, rules.BLACKLIST_STATE, "the institution is not blacklisted")
        self._check_dated("RemovedFromBlacklist", removed_on)
        self._removed_from_blacklist(
            decision_no=decision_no, removed_on=removed_on.isoformat(), actor=actor
        )

    @event(RemovedFromBlacklist)
    def _removed_from_blacklist(self, decision_no: str, removed_on: str, actor: Actor) -> None:
        self.blacklisting = None

    def deregister(self, *, deregistered_on: date, reason: str, actor: Actor) -> None:
        """A revoked, ceased or converted institution leaves the register (注销)."""
        refuse_unless(
            self.status in (Status.REVOKED, Status.CEASED, Status.CONVERTED),
            rules.DEREGISTRATION_STATE,
            f"an institution that is {self.status} cannot be deregistered",
        )
        self._check_dated("Deregistered", deregistered_on)
        self._deregistered(deregistered_on=deregistered_on.isoformat(), reason=reason, actor=actor)

    @event(Deregistered)
    def _deregistered(self, deregistered_on: str, reason: str, actor: Actor) -> None:
        self.status = Status.DEREGISTERED
        self.deregistration = {"deregistered_on": deregistered_on, "reason": reason}

    # -- annulment ----------------------------------------------------------------------------

    def annul_decision(
        self, *, version: int, decision_no: str, annulled_on: date, reason: str, actor: Actor
    ) -> None:
        """A decision made in error is set aside (行政复议 or a court): from the moment this is
        recorded it no longer counts for what was in force; the log keeps it."""
        require_decision_no(decision_no)
        target = dating.check_annulment(self.decisions, version)
        self._decision_annulled(
            annulled_version=version,
            annulled_kind=target.kind,
            decision_no=decision_no,
            annulled_on=annulled_on.isoformat(),
            reason=reason,
            actor=actor,
        )

    @event(DecisionAnnulled)
    def _decision_annulled(
        self,
        annulled_version: int,
        annulled_kind: str,
        decision_no: str,
        annulled_on: str,
        reason: str,
        actor: Actor,
    ) -> None:
        # The record stands as if the annulled decision had not been made.
        now = latest([d for d in self.decisions if d.version != annulled_version])
        assert now is not None  # the entry in the register is never annulled
        self.status = Status(now.status)
        for name in RESTORED:
            setattr(self, name, getattr(now, name))
