"""The regulator's reads of an institution from the write model: on a day as known at a time,
and its events."""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import DomainEvent

from registry.adapters.eventlog import EventLog, LoggedEvent
from registry.application.institutions import REGULATORS
from registry.application.store import EventStore
from registry.domain.clock import SHANGHAI, today
from registry.domain.errors import NotFound
from registry.domain.institution import Institution
from registry.domain.principal import Principal
from registry.domain.standing import Standing, in_effect_order, known_by, standing


def institution_view(
    inst: Institution, on: date | None = None, known_at: datetime | None = None
) -> dict[str, Any]:
    """The full regulator view of an institution, as plain data (a copy: the aggregate may be
    cached, and nothing a caller does to the view may reach it).

    Its status, licence, supervision and sanctions are those in force on ``on`` by the
    decisions' effective dates, as known at ``known_at`` (``standing``); what is recorded but
    takes effect later is listed as ``pending``."""
    on = on or today()
    found = standing(inst.decisions, on, known_at)
    s = found or Standing(on=on, registered_on=date.fromisoformat(inst.registered_on))
    known = known_by(inst.decisions, known_at)
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
            "status": s.status,
            "licence": s.licence,
            "supervision": s.supervision,
            "blacklisted": s.blacklisted,
            "blacklisting": s.blacklisting,
            "staff": [dict(x) for x in inst.staff],
            "inspections": [
                i for i in inst.inspections.values() if date.fromisoformat(i["inspected_on"]) <= on
            ],
            "rectification_orders": list(inst.rectification_orders.values()),
            "open_rectification_orders": [o["id"] for o in inst.open_orders()],
            "overdue_rectification_orders": [o["id"] for o in inst.overdue_orders(on)],
            "suspension": s.suspension,
            "penalties": s.penalties,
            "revocation": s.revocation,
            "conversion": s.conversion,
            "cessation": s.cessation,
            "deregistration": s.deregistration,
            "version": inst.version,
            "registered_at": inst.created_on.isoformat(),
            "modified_at": inst.modified_on.isoformat(),
            "registered_on": s.registered_on.isoformat(),
            "as_of": on.isoformat(),
            "known_at": known_at.isoformat() if known_at else None,
            "legitimate": s.legitimate,
            "licence_expired": s.licence_expired,
            "record_status": inst.status,
            "pending": [
                {
                    "type": d.kind,
                    "version": d.version,
                    "effective_on": d.effective_on.isoformat(),
                    "recorded_at": d.recorded_at.isoformat(),
                }
                for d in in_effect_order(known)
                if d.effective_on > on
            ],
        }
    )


class InstitutionQueries:
    """The regulator's reads of the write model: the full view, on a day as known at a time,
    the events."""

    def __init__(self, store: EventStore, event_log: EventLog) -> None:
        self.store = store
        self.event_log = event_log

    def institution(
        self,
        principal: Principal,
        institution_id: UUID,
        as_of: date | None = None,
        known_at: datetime | None = None,
    ) -> dict[str, Any]:
        """The regulator view in force at the end of ``as_of`` (default: today; with only
        ``known_at``, that moment's day), as the registry knew it at ``known_at`` (default:
        now). 404 before the registration took effect, or before it was recorded."""
        inst = self.store.load(Institution, institution_id, "institution")
        principal.require(REGULATORS, inst.district_code)
        if known_at is not None:
            inst = self._known_at(inst, known_at)
        on = as_of or (known_at.astimezone(SHANGHAI).date() if known_at else today())
        if as_of is not None and standing(inst.decisions, as_of, known_at) is None:
            raise NotFound(
                f"institution {inst.id} was not yet in the register on {as_of.isoformat()} "
                f"(registered on {inst.registered_on})"
            )
        return institution_view(inst, on, known_at)

    def _known_at(self, inst: Institution, known_at: datetime) -> Institution:
        """The institution as its events recorded by ``known_at`` left it."""
        version = None
        for stored in self.store.events.get(inst.id):
            if cast(DomainEvent, stored).timestamp > known_at:
                break
            version = stored.originator_version
        if version is None:
            raise NotFound(f"institution {inst.id} was not yet recorded at {known_at.isoformat()}")
        found: object = self.store.repository.get(inst.id, version=version)
        if not isinstance(found, Institution):
            raise NotFound(f"no institution {inst.id}")
        return found

    def district(self, institution_id: UUID) -> str:
        return self.store.load(Institution, institution_id, "institution").district_code

    def events(
        self, principal: Principal, institution_id: UUID, after_version: int = 0, limit: int = 50
    ) -> list[LoggedEvent]:
        """The institution's events in order, with positions, times and actors."""
        inst = self.store.load(Institution, institution_id, "institution")
        principal.require(REGULATORS, inst.district_code)
        return self.event_log.events(inst.id, after_version, limit)
