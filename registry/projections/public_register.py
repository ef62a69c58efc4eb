"""The public register: legitimate institutions, their dated history, penalties, the blacklist.

Holds no personal data: no pupils, no guardians, no staff certificates, no bank account numbers.
Every change also stores the whole public item at that position, with its dated decisions, so
``known_at`` answers from what was recorded by then, and ``as_of`` folds those decisions by
their effective dates (``public_items``).
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
    Select,
    String,
    Table,
    Text,
    select,
)

from registry.domain.clock import SHANGHAI
from registry.domain.events import (
    Blacklisted,
    ConversionAbandoned,
    ConversionCompleted,
    ConversionStarted,
    DayReviewed,
    DecisionAnnulled,
    Deregistered,
    EnrolmentSuspended,
    EnrolmentSuspensionLifted,
    FundSupervisionEnded,
    FundSupervisionEstablished,
    InstitutionRegistered,
    LicenceIssued,
    LicenceRenewed,
    LicenceRevoked,
    OperationsCeased,
    PenaltyImposed,
    RemovedFromBlacklist,
)
from registry.domain.standing import decision_of, entry_day, status_history
from registry.projections.base import (
    REVIEW_CHUNK,
    BatchProjection,
    Fact,
    due_rows,
    metadata,
    not_followed,
    upsert,
)
from registry.projections.bulk import among, delete_keys, insert_rows
from registry.projections.public_items import decision_json, decisions_of, published

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
    Column("licence_expired", Boolean, nullable=False),
    Column("registered_on", Date, nullable=False),
    # The next day its standing may change (a dated decision takes effect, a licence lapses).
    Column("next_change_on", Date, index=True),
    Column("position", BigInteger, nullable=False),
    # The page's dated history and published penalties, so that a page is one primary-key
    # read (each dated version keeps them as they then stood).
    Column("history", JSON, nullable=False),
    Column("penalties", JSON, nullable=False),
    # Every dated decision, with its effective day and its recording time (``public_items``).
    Column("decisions", JSON, nullable=False),
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

register_day = Table(
    "pub_register_day",
    metadata,
    Column("name", String(16), primary_key=True),
    Column("day", Date, nullable=False),
)

# The decisions the register follows: every dated decision about an institution.
DECISIONS: tuple[type[DomainEvent], ...] = (
    InstitutionRegistered,
    LicenceIssued,
    LicenceRenewed,
    FundSupervisionEstablished,
    FundSupervisionEnded,
    EnrolmentSuspended,
    EnrolmentSuspensionLifted,
    PenaltyImposed,
    LicenceRevoked,
    ConversionStarted,
    ConversionCompleted,
    ConversionAbandoned,
    OperationsCeased,
    Blacklisted,
    RemovedFromBlacklist,
    Deregistered,
    DecisionAnnulled,
)


def _day(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


class PublicRegister(BatchProjection):
    """The register on its day: the last day the registry reviewed, or the day of the last
    decision recorded if later. A row's published columns are what was in force on that day by
    the decisions' effective dates; ``DayReviewed`` refreshes the rows whose standing changes
    (``next_change_on``: a dated decision takes effect, a licence lapses)."""

    name: ClassVar[str] = "public_register"
    # 2: 64-bit positions and fen, recorded_at in UTC; 3: history and penalties on the row;
    # 4: no separate history and penalty tables (nothing read them); 5: the dated decisions on
    # the row, the standing by effective dates on the register's day
    version: ClassVar[int] = 5
    tables: ClassVar[Sequence[Table]] = (institutions, versions, blacklist, register_day)
    follows: ClassVar[tuple[type[DomainEvent], ...]] = (*DECISIONS, DayReviewed)

    review_chunk: ClassVar[int] = REVIEW_CHUNK

    def load(self, conn: Connection, facts: Sequence[Fact]) -> None:
        ids = {f.key for f in facts}
        self._load(conn, select(institutions).where(among(conn, institutions.c.id, ids)))

    def load_due(self, conn: Connection, day: date, after: str | None, limit: int) -> str | None:
        self._load(conn, due_rows(institutions, day, after, limit))
        return next(reversed(self.items)) if len(self.items) == limit else None

    def _load(self, conn: Connection, query: Select[Any]) -> None:
        rows = conn.execute(query).mappings()
        self.items: dict[str, dict[str, Any]] = {r["id"]: dict(r) for r in rows}
        self.day: date | None = conn.execute(
            select(register_day.c.day).where(register_day.c.name == "register")
        ).scalar()
        self.changed: set[str] = set()
        self.new_versions: list[dict[str, Any]] = []
        self.listed: dict[str, dict[str, Any] | None] = {}

    def _advance(self, day: date) -> date:
        self.day = day if self.day is None else max(self.day, day)
        return self.day

    def handle(self, fact: Fact) -> None:
        key, event = fact.key, fact.event
        if isinstance(event, DayReviewed):
            day = self._advance(date.fromisoformat(event.on))
            for k, item in self.items.items():
                change = _day(item.get("next_change_on"))
                if change is not None and change <= day:
                    self._refresh(k, item)
            return
        self._advance(fact.recorded_at.astimezone(SHANGHAI).date())
        if isinstance(event, InstitutionRegistered):
            self.items[key] = {
                "id": key,
                "name": event.name,
                "credit_code": event.credit_code,
                "district_code": event.district_code,
                "category": event.category,
                "subjects": list(event.subjects),
                "delivery": event.delivery,
                "decisions": [],
            }
        item = self.items[key]
        decision = decision_of(event, fact.position)
        if decision is None:
            not_followed(self, fact)
        # A new list: the versions already taken keep the list as it was.
        item["decisions"] = [*item["decisions"], decision_json(decision)]
        item["position"] = fact.position
        self._refresh(key, item)
        self.new_versions.append(
            {
                "institution_id": key,
                "position": fact.position,
                # UTC: SQLite keeps the wall-clock time only, so every row keeps one zone.
                "recorded_at": fact.recorded_at.astimezone(UTC),
                "item": _jsonable(item),
            }
        )

    def _refresh(self, key: str, item: dict[str, Any]) -> None:
        """The published columns as in force on the register's day."""
        assert self.day is not None
        decisions = decisions_of(item)
        pub = published(decisions, self.day)
        if pub is None:  # entered in the register from a later day
            entered = entry_day(decisions)
            pub = {**NOT_YET, "registered_on": entered, "next_change_on": entered}
            pub["history"] = status_history(decisions)
        blacklisting = pub.pop("blacklisting")
        item.update(pub)
        item["registered_on"] = _day(item["registered_on"])
        item["licence_valid_to"] = _day(item["licence_valid_to"])
        self.changed.add(key)
        self.listed[key] = (
            {
                "institution_id": key,
                "name": item["name"],
                "credit_code": item["credit_code"],
                "district_code": item["district_code"],
                "reasons": list(blacklisting["reasons"]),
                "decision_no": blacklisting["decision_no"],
                "listed_on": _day(blacklisting["listed_on"]),
                "position": item["position"],
            }
            if blacklisting
            else None
        )

    def flush(self, conn: Connection) -> None:
        if self.changed:
            upsert(conn, institutions, [self.items[k] for k in self.changed])
        insert_rows(conn, versions, self.new_versions)
        if self.listed:
            delete_keys(conn, blacklist, ["institution_id"], [(k,) for k in self.listed])
            insert_rows(conn, blacklist, [row for row in self.listed.values() if row is not None])
        if self.day is not None:
            upsert(conn, register_day, [{"name": "register", "day": self.day}])


# The columns of an institution entered in the register from a day still to come.
NOT_YET: dict[str, Any] = {
    "licence_no": None,
    "licence_valid_to": None,
    "licence_expired": False,
    "supervision_mode": None,
    "supervision_bank": None,
    "status": "registered",
    "blacklisted": False,
    "blacklisting": None,
    "legitimate": False,
    "penalties": [],
}


def _jsonable(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, (date, datetime)) else v for k, v in item.items()}
