"""The public register: legitimate institutions, their dated history, penalties, the blacklist.

Holds no personal data: no pupils, no guardians, no staff certificates, no bank account numbers.
Every change also stores the whole public item at that position, so ``as_of`` answers exactly
what a replay of the stream to that moment shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from eventsourcing.domain import DomainEvent
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
)

from registry.domain.clock import SHANGHAI
from registry.domain.events import (
    Blacklisted,
    ConversionCompleted,
    ConversionStarted,
    Deregistered,
    EnrolmentSuspended,
    EnrolmentSuspensionLifted,
    FundSupervisionEstablished,
    InstitutionRegistered,
    LicenceIssued,
    LicenceRenewed,
    LicenceRevoked,
    OperationsCeased,
    PenaltyImposed,
    RemovedFromBlacklist,
)
from registry.projections.base import BatchProjection, Fact, metadata, upsert

institutions = Table(
    "pub_institutions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", Text, nullable=False, index=True),
    Column("credit_code", String(18), nullable=False, unique=True),
    Column("district_code", String(6), nullable=False, index=True),
    Column("category", String(16), nullable=False),
    Column("subjects", JSON, nullable=False),
    Column("delivery", String(8), nullable=False),
    Column("licence_no", Text),
    Column("licence_valid_to", Date),
    Column("supervision_mode", String(16)),
    Column("supervision_bank", Text),
    Column("status", String(16), nullable=False, index=True),
    Column("blacklisted", Boolean, nullable=False),
    Column("legitimate", Boolean, nullable=False, index=True),
    Column("position", BigInteger, nullable=False),
    # The page's dated history and published penalties, so that a page is one primary-key
    # read (each dated version keeps them as they then stood).
    Column("history", JSON, nullable=False),
    Column("penalties", JSON, nullable=False),
)

versions = Table(
    "pub_institution_versions",
    metadata,
    Column("institution_id", String(36), primary_key=True),
    Column("position", BigInteger, primary_key=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("item", JSON, nullable=False),
)

blacklist = Table(
    "pub_blacklist",
    metadata,
    Column("institution_id", String(36), primary_key=True),
    Column("name", Text, nullable=False),
    Column("credit_code", String(18), nullable=False),
    Column("district_code", String(6), nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("decision_no", Text, nullable=False),
    Column("listed_on", Date, nullable=False),
    Column("position", BigInteger, nullable=False),
)

# The status each event puts the institution in, for its public history.
STATUS_CHANGES: dict[type[DomainEvent], str] = {
    InstitutionRegistered: "registered",
    LicenceIssued: "licensed",
    EnrolmentSuspended: "suspended",
    EnrolmentSuspensionLifted: "licensed",
    LicenceRevoked: "revoked",
    ConversionStarted: "converting",
    ConversionCompleted: "converted",
    OperationsCeased: "ceased",
    Deregistered: "deregistered",
}


def effective_on(event: DomainEvent) -> str | None:
    """The day a status change took effect as the event dates it (ISO), or None when the
    event carries no such day (registration: the day it was recorded counts)."""
    if isinstance(event, LicenceIssued):
        return event.valid_from
    if isinstance(event, EnrolmentSuspended):
        return event.effective_from
    if isinstance(event, EnrolmentSuspensionLifted):
        return event.lifted_on
    if isinstance(event, LicenceRevoked):
        return event.effective_on
    if isinstance(event, ConversionStarted):
        return event.started_on
    if isinstance(event, ConversionCompleted):
        return event.completed_on
    if isinstance(event, OperationsCeased):
        return event.ceased_on
    if isinstance(event, Deregistered):
        return event.deregistered_on
    return None


def is_legitimate(item: dict[str, Any]) -> bool:
    """Licensed, not suspended, not blacklisted, with fund supervision in place."""
    return (
        item["status"] == "licensed"
        and not item["blacklisted"]
        and item["supervision_mode"] is not None
    )


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class PublicRegister(BatchProjection):
    name: ClassVar[str] = "public_register"
    # 2: 64-bit positions and fen, recorded_at in UTC; 3: history and penalties on the row;
    # 4: no separate history and penalty tables (nothing read them)
    version: ClassVar[int] = 4
    tables: ClassVar[Sequence[Table]] = (
        institutions,
        versions,
        blacklist,
    )
    follows: ClassVar[tuple[type[DomainEvent], ...]] = (
        *STATUS_CHANGES,
        LicenceRenewed,
        FundSupervisionEstablished,
        PenaltyImposed,
        Blacklisted,
        RemovedFromBlacklist,
    )

    def load(self, conn: Connection, facts: Sequence[Fact]) -> None:
        ids = {str(f.originator_id) for f in facts}
        rows = conn.execute(select(institutions).where(institutions.c.id.in_(ids))).mappings()
        self.items: dict[str, dict[str, Any]] = {r["id"]: dict(r) for r in rows}
        self.changed: set[str] = set()
        self.new_versions: list[dict[str, Any]] = []
        self.listed: dict[str, dict[str, Any] | None] = {}

    def handle(self, fact: Fact) -> None:
        key, event = str(fact.originator_id), fact.event
        if isinstance(event, InstitutionRegistered):
            self.items[key] = {
                "id": key,
                "name": event.name,
                "credit_code": event.credit_code,
                "district_code": event.district_code,
                "category": event.category,
                "subjects": list(event.subjects),
                "delivery": event.delivery,
                "licence_no": None,
                "licence_valid_to": None,
                "supervision_mode": None,
                "supervision_bank": None,
                "status": "registered",
                "blacklisted": False,
                "history": [],
                "penalties": [],
            }
        item = self.items[key]
        if isinstance(event, LicenceIssued):
            item["licence_no"] = event.licence_no
            item["licence_valid_to"] = _day(event.valid_to)
        elif isinstance(event, LicenceRenewed):
            item["licence_valid_to"] = _day(event.valid_to)
        elif isinstance(event, FundSupervisionEstablished):
            item["supervision_mode"], item["supervision_bank"] = event.mode, event.bank
        elif isinstance(event, PenaltyImposed):
            penalty = {
                "decision_no": event.decision_no,
                "kinds": list(event.kinds),
                "fine_fen": event.fine_fen,
                "illegal_gains_fen": event.illegal_gains_fen,
                "decided_on": _day(event.decided_on),
            }
            # A new list: the versions already taken keep the list as it was.
            item["penalties"] = [*item["penalties"], _jsonable(penalty)]
        elif isinstance(event, Blacklisted):
            item["blacklisted"] = True
            self.listed[key] = {
                "institution_id": key,
                "name": item["name"],
                "credit_code": item["credit_code"],
                "district_code": item["district_code"],
                "reasons": list(event.reasons),
                "decision_no": event.decision_no,
                "listed_on": _day(event.listed_on),
                "position": fact.position,
            }
        elif isinstance(event, RemovedFromBlacklist):
            item["blacklisted"] = False
            self.listed[key] = None
        status = STATUS_CHANGES.get(type(event))
        if status is not None:
            item["status"] = status
            day = effective_on(event)
            effective = (
                _day(day) if day is not None else fact.recorded_at.astimezone(SHANGHAI).date()
            )
            change = {"status": status, "effective_on": effective, "position": fact.position}
            item["history"] = [*item["history"], _jsonable(change)]
        item["legitimate"] = is_legitimate(item)
        item["position"] = fact.position
        self.changed.add(key)
        self.new_versions.append(
            {
                "institution_id": key,
                "position": fact.position,
                # UTC: SQLite keeps the wall-clock time only, so every row keeps one zone.
                "recorded_at": fact.recorded_at.astimezone(UTC),
                "item": _jsonable(item),
            }
        )

    def flush(self, conn: Connection) -> None:
        if self.changed:
            upsert(conn, institutions, [self.items[k] for k in self.changed])
        if self.new_versions:
            conn.execute(insert(versions), self.new_versions)
        if self.listed:
            conn.execute(delete(blacklist).where(blacklist.c.institution_id.in_(self.listed)))
            rows = [row for row in self.listed.values() if row is not None]
            if rows:
                conn.execute(insert(blacklist), rows)


def _jsonable(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, (date, datetime)) else v for k, v in item.items()}
