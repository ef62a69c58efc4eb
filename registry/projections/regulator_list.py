"""The regulator's list: every institution of a district with what a desk filters on.

Not public (it shows institutions the public register hides: unlicensed, revoked, with open
rectification orders) but holds no personal data: no representative, staff, pupils or
accounts. ``GET /v1/institutions`` reads it, scoped to the key's districts.
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
    String,
    Table,
    Text,
    select,
)

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
    RectificationOrdered,
    RectificationVerified,
    RemovedFromBlacklist,
)
from registry.projections.base import BatchProjection, Fact, metadata, not_followed, upsert

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
    Column("open_orders", JSON, nullable=False),
    Column("open_rectification_orders", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
)

# The status each event puts the institution in.
STATUS_OF: dict[type[DomainEvent], str] = {
    LicenceIssued: "licensed",
    EnrolmentSuspended: "suspended",
    EnrolmentSuspensionLifted: "licensed",
    LicenceRevoked: "revoked",
    ConversionStarted: "converting",
    ConversionCompleted: "converted",
    OperationsCeased: "ceased",
    Deregistered: "deregistered",
}

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
    "open_rectification_orders",
    "position",
)


class RegulatorList(BatchProjection):
    name: ClassVar[str] = "regulator_list"
    version: ClassVar[int] = 1
    tables: ClassVar[Sequence[Table]] = (listed,)
    follows: ClassVar[tuple[type[DomainEvent], ...]] = (
        InstitutionRegistered,
        *STATUS_OF,
        LicenceRenewed,
        FundSupervisionEstablished,
        RectificationOrdered,
        RectificationVerified,
        Blacklisted,
        RemovedFromBlacklist,
    )

    def load(self, conn: Connection, facts: Sequence[Fact]) -> None:
        ids = {str(f.originator_id) for f in facts}
        rows = conn.execute(select(listed).where(listed.c.id.in_(ids))).mappings()
        self.rows: dict[str, dict[str, Any]] = {r["id"]: dict(r) for r in rows}
        self.changed: set[str] = set()

    def handle(self, fact: Fact) -> None:
        key, event = str(fact.originator_id), fact.event
        if isinstance(event, InstitutionRegistered):
            self.rows[key] = {
                "id": key,
                "credit_code": event.credit_code,
                "name": event.name,
                "district_code": event.district_code,
                "category": event.category,
                "status": "registered",
                "licence_no": None,
                "licence_valid_to": None,
                "supervision_mode": None,
                "blacklisted": False,
                "open_orders": [],
            }
        row = self.rows[key]
        if isinstance(event, LicenceIssued):
            row["licence_no"] = event.licence_no
            row["licence_valid_to"] = date.fromisoformat(event.valid_to)
        elif isinstance(event, LicenceRenewed):
            row["licence_valid_to"] = date.fromisoformat(event.valid_to)
        elif isinstance(event, FundSupervisionEstablished):
            row["supervision_mode"] = event.mode
        elif isinstance(event, RectificationOrdered):
            row["open_orders"] = [*row["open_orders"], event.order_id]
        elif isinstance(event, RectificationVerified):
            if event.outcome == "completed":
                row["open_orders"] = [o for o in row["open_orders"] if o != event.order_id]
        elif isinstance(event, Blacklisted | RemovedFromBlacklist):
            row["blacklisted"] = isinstance(event, Blacklisted)
        elif not isinstance(event, InstitutionRegistered) and type(event) not in STATUS_OF:
            not_followed(self, fact)
        row["status"] = STATUS_OF.get(type(event), row["status"])
        row["open_rectification_orders"] = len(row["open_orders"])
        row["position"] = fact.position
        self.changed.add(key)

    def flush(self, conn: Connection) -> None:
        upsert(conn, listed, [self.rows[k] for k in self.changed])


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
