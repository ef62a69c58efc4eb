"""The regulator's list: every institution of a district with what a desk filters on.

Not public (it shows institutions the public register hides: unlicensed, revoked, with open
rectification orders) but holds no personal data: no representative, staff, pupils or
accounts. ``GET /v1/institutions`` reads it, scoped to the key's districts.

Like the public register, a row keeps the institution's dated decisions and shows what is in
force on the list's day by their effective dates (``register_day``): a suspension effective
next Monday shows on Monday, once the registry has reviewed that day; a back-dated one at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from eventsourcing.domain import DomainEvent
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    Engine,
    Integer,
    Select,
    String,
    Table,
    Text,
    select,
)

from registry.domain.events import (
    DayReviewed,
    InstitutionRegistered,
    RectificationOrdered,
    RectificationVerified,
)
from registry.domain.standing import decision_of, entry_day, next_change
from registry.domain.standing import standing as standing_on
from registry.projections.base import (
    REVIEW_CHUNK,
    BatchProjection,
    Fact,
    due_rows,
    metadata,
    not_followed,
    upsert,
)
from registry.projections.bulk import among
from registry.projections.public_items import decisions_of
from registry.projections.public_register import DECISIONS
from registry.projections.register_day import RegisterDay, day_table, kept_decision

listed = Table(
    "reg_institutions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("credit_code", String(18), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("district_code", String(6), nullable=False, index=True),
    Column("category", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("licence_no", Text),
    Column("licence_valid_to", Date),
    Column("supervision_mode", String(16)),
    Column("blacklisted", Boolean, nullable=False),
    Column("legitimate", Boolean, nullable=False),
    Column("open_orders", JSON, nullable=False),
    Column("open_rectification_orders", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
    # The next day its standing may change (a dated decision takes effect, a licence lapses).
    Column("next_change_on", Date, index=True),
    # Every dated decision, with its effective day and recording time (no account numbers,
    # nothing of the registration but its day).
    Column("decisions", JSON, nullable=False),
)

list_day = day_table("reg_list_day")

FIELDS = (
    "id",
    "name",
    "credit_code",
    "district_code",
    "category",
    "status",
    "licence_no",
    "licence_valid_to",
    "supervision_mode",
    "blacklisted",
    "legitimate",
    "open_rectification_orders",
    "position",
)


class RegulatorList(BatchProjection):
    """The list on its day (``register_day``): a row's status, licence, supervision,
    blacklisting and legitimacy are those in force that day by the decisions' effective dates;
    ``DayReviewed`` refreshes the rows whose standing changes that day (``next_change_on``)."""

    name: ClassVar[str] = "regulator_list"
    # 2: by effective dates on the list's day, annulments followed, legitimacy
    version: ClassVar[int] = 2
    tables: ClassVar[Sequence[Table]] = (listed, list_day)
    follows: ClassVar[tuple[type[DomainEvent], ...]] = (
        *DECISIONS,
        RectificationOrdered,
        RectificationVerified,
        DayReviewed,
    )

    review_chunk: ClassVar[int] = REVIEW_CHUNK

    def load(self, conn: Connection, facts: Sequence[Fact]) -> None:
        ids = {f.key for f in facts}
        self._load(conn, select(listed).where(among(conn, listed.c.id, ids)))

    def load_due(self, conn: Connection, day: date, after: str | None, limit: int) -> str | None:
        self._load(conn, due_rows(listed, day, after, limit))
        return next(reversed(self.rows)) if len(self.rows) == limit else None

    def _load(self, conn: Connection, query: Select[Any]) -> None:
        rows = conn.execute(query).mappings()
        self.rows: dict[str, dict[str, Any]] = {r["id"]: dict(r) for r in rows}
        self.day = RegisterDay(list_day)
        self.day.load(conn)
        self.changed: set[str] = set()

    def handle(self, fact: Fact) -> None:
        key, event = fact.key, fact.event
        if isinstance(event, DayReviewed):
            day = self.day.advance(date.fromisoformat(event.on))
            for k, row in self.rows.items():
                if row["next_change_on"] is not None and row["next_change_on"] <= day:
                    self._refresh(k, row, day)
            return
        day = self.day.recorded(fact)
        decision = decision_of(event, fact.position)
        if isinstance(event, InstitutionRegistered):
            self.rows[key] = {
                "id": key,
                "credit_code": event.credit_code,
                "name": event.name,
                "district_code": event.district_code,
                "category": event.category,
                "open_orders": [],
                "decisions": [],
            }
        row = self.rows[key]
        if decision is not None:
            row["decisions"] = [*row["decisions"], kept_decision(decision)]
        elif isinstance(event, RectificationOrdered):
            row["open_orders"] = [*row["open_orders"], event.order_id]
        elif isinstance(event, RectificationVerified):
            if event.outcome == "completed":
                row["open_orders"] = [o for o in row["open_orders"] if o != event.order_id]
        else:
            not_followed(self, fact)
        row["open_rectification_orders"] = len(row["open_orders"])
        row["position"] = fact.position
        self._refresh(key, row, day)

    def _refresh(self, key: str, row: dict[str, Any], day: date) -> None:
        """The columns as in force on ``day``."""
        decisions = decisions_of(row)
        s = standing_on(decisions, day)
        licence = s.licence if s else None
        row.update(
            status=s.status if s else "registered",
            licence_no=licence["licence_no"] if licence else None,
            licence_valid_to=date.fromisoformat(licence["valid_to"]) if licence else None,
            supervision_mode=s.supervision["mode"] if s and s.supervision else None,
            blacklisted=s.blacklisted if s else False,
            legitimate=s.legitimate if s else False,
            # Not yet in the register: its entry is the next change.
            next_change_on=next_change(decisions, day) if s else entry_day(decisions),
        )
        self.changed.add(key)

    def flush(self, conn: Connection) -> None:
        upsert(conn, listed, [self.rows[k] for k in self.changed])
        self.day.flush(conn)


def search(
    engine: Engine,
    *,
    districts: Sequence[str] | None,
    status: str | None = None,
    category: str | None = None,
    licence_expiring_before: date | None = None,
    open_rectification: bool | None = None,
    blacklisted: bool | None = None,
    supervision_mode: str | None = None,
    after_credit_code: str | None = None,
    limit: int = 50,
) -> tuple[list[dict[str, Any]], bool]:
    """A page of the list in credit-code order, and whether more follow.

    ``districts`` ``None`` means every district (an admin); ``supervision_mode`` ``"none"``
    finds the institutions with no fund supervision in place.
    """
    query = select(*(listed.c[f] for f in FIELDS)).order_by(listed.c.credit_code)
    if districts is not None:
        query = query.where(listed.c.district_code.in_(list(districts)))
    if status is not None:
        query = query.where(listed.c.status == status)
    if category is not None:
        query = query.where(listed.c.category == category)
    if licence_expiring_before is not None:
        query = query.where(listed.c.licence_valid_to < licence_expiring_before)
    if open_rectification is not None:
        has_open = listed.c.open_rectification_orders > 0
        query = query.where(has_open if open_rectification else ~has_open)
    if blacklisted is not None:
        query = query.where(listed.c.blacklisted.is_(blacklisted))
    if supervision_mode == "none":
        query = query.where(listed.c.supervision_mode.is_(None))
    elif supervision_mode is not None:
        query = query.where(listed.c.supervision_mode == supervision_mode)
    if after_credit_code is not None:
        query = query.where(listed.c.credit_code > after_credit_code)
    with engine.connect() as conn:
        rows = conn.execute(query.limit(limit + 1)).mappings().all()
    items = [
        {
            **row,
            "licence_valid_to": row["licence_valid_to"].isoformat()
            if row["licence_valid_to"]
            else None,
        }
        for row in rows[:limit]
    ]
    return items, len(rows) > limit
