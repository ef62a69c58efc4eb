"""The regulator's reads of an institution from the write model: now, as of a day, its events."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import DomainEvent

from registry.adapters.eventlog import EventLog, LoggedEvent
from registry.application.core import EventStore
from registry.application.institutions import REGULATORS
from registry.domain.clock import end_of_day, today
from registry.domain.errors import NotFound
from registry.domain.institution import Institution
from registry.domain.principal import Principal


def institution_view(inst: Institution, on: date | None = None) -> dict[str, Any]:
    """The full regulator view of an institution, as plain data (a copy: the aggregate may be
    cached, and nothing a caller does to the view may reach it). Orders still open after their
    deadline are overdue from the day after it (``on``, today by default)."""
    day = on or today()
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
            "overdue_rectification_orders": [o["id"] for o in inst.overdue_orders(day)],
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


class InstitutionQueries:
    """The regulator's reads of the write model: the full view, as of a day, the events."""

    def __init__(self, store: EventStore, event_log: EventLog) -> None:
        self.store = store
        self.event_log = event_log

    def institution(
        self, principal: Principal, institution_id: UUID, as_of: date | None = None
    ) -> dict[str, Any]:
        """The regulator view now, or as the registry knew it at the end of ``as_of``."""
        inst = self.store.load(Institution, institution_id, "institution")
        principal.require(REGULATORS, inst.district_code)
        if as_of is not None:
            inst = self._as_of(inst, as_of)
        return institution_view(inst, as_of)

    def _as_of(self, inst: Institution, as_of: date) -> Institution:
        cutoff = end_of_day(as_of)
        version = None
        for stored in self.store.events.get(inst.id):
            if cast(DomainEvent, stored).timestamp > cutoff:
                break
            version = stored.originator_version
        if version is None:
            raise NotFound(f"institution {inst.id} was not yet registered on {as_of.isoformat()}")
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
