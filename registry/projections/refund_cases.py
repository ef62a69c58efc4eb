"""Refund cases by institution and status: the list regulators and courts work from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from eventsourcing.domain import DomainEvent
from sqlalchemy import BigInteger, Column, Connection, DateTime, String, Table, select

from registry.domain.events import (
    CaseReferredToCourt,
    JudgmentRecorded,
    MediationAgreementReached,
    MediationFailed,
    RefundCaseClosed,
    RefundCaseOpened,
    RefundCaseWithdrawn,
    RefundPaid,
    UnconsumedAmountAssessed,
)
from registry.projections.base import BatchProjection, Fact, metadata, upsert
from registry.projections.bulk import among

cases = Table(
    "rc_cases",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("institution_id", String(36), nullable=False, index=True),
    Column("district_code", String(6), nullable=False, index=True),
    Column("status", String(24), nullable=False, index=True),
    Column("source", String(16), nullable=False),
    Column("claim_fen", BigInteger, nullable=False),
    Column("assessed_fen", BigInteger),
    Column("paid_fen", BigInteger, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("position", BigInteger, nullable=False),
)

# The status each step of a case leaves it in.
STATUS_OF: dict[type[DomainEvent], str] = {
    UnconsumedAmountAssessed: "assessed",
    MediationAgreementReached: "settled",
    MediationFailed: "mediation_failed",
    CaseReferredToCourt: "referred_to_court",
    JudgmentRecorded: "judged",
    RefundCaseClosed: "closed",
    RefundCaseWithdrawn: "withdrawn",
}
OPEN = ("opened", "assessed", "settled", "mediation_failed", "referred_to_court", "judged")


class RefundCases(BatchProjection):
    name: ClassVar[str] = "refund_cases"
    version: ClassVar[int] = 2  # 2: positions and amounts in fen are 64-bit
    tables: ClassVar[Sequence[Table]] = (cases,)
    follows: ClassVar[tuple[type[DomainEvent], ...]] = (RefundCaseOpened, RefundPaid, *STATUS_OF)

    def load(self, conn: Connection, facts: Sequence[Fact]) -> None:
        ids = {f.key for f in facts}
        found = conn.execute(select(cases).where(among(conn, cases.c.case_id, ids))).mappings()
        self.rows: dict[str, dict[str, Any]] = {r["case_id"]: dict(r) for r in found}

    def handle(self, fact: Fact) -> None:
        key, event = fact.key, fact.event
        if isinstance(event, RefundCaseOpened):
            self.rows[key] = {
                "case_id": key,
                "institution_id": event.institution_id,
                "district_code": event.district_code,
                "status": "opened",
                "source": event.source,
                "claim_fen": event.claim_fen,
                "assessed_fen": None,
                "paid_fen": 0,
                "opened_at": fact.recorded_at,
            }
        row = self.rows[key]
        if isinstance(event, UnconsumedAmountAssessed):
            row["assessed_fen"] = event.amount_fen
        if isinstance(event, RefundPaid):
            row["paid_fen"] += event.amount_fen
        row["status"] = STATUS_OF.get(type(event), row["status"])
        row["position"] = fact.position

    def flush(self, conn: Connection) -> None:
        upsert(conn, cases, list(self.rows.values()))
