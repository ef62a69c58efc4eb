"""Refund cases by institution and status: the list regulators and courts work from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import BigInteger, Column, Connection, DateTime, String, Table, select

from registry.projections.base import BatchProjection, Fact, metadata, upsert

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

STATUS_OF = {
    "UnconsumedAmountAssessed": "assessed",
    "MediationAgreementReached": "settled",
    "MediationFailed": "mediation_failed",
    "CaseReferredToCourt": "referred_to_court",
    "JudgmentRecorded": "judged",
    "RefundCaseClosed": "closed",
    "RefundCaseWithdrawn": "withdrawn",
}
OPEN = ("opened", "assessed", "settled", "mediation_failed", "referred_to_court", "judged")


class RefundCases(BatchProjection):
    name: ClassVar[str] = "refund_cases"
    version: ClassVar[int] = 2  # 2: positions and amounts in fen are 64-bit
    tables: ClassVar[Sequence[Table]] = (cases,)
    types: ClassVar[frozenset[str]] = frozenset({"RefundCaseOpened", "RefundPaid", *STATUS_OF})

    def load(self, conn: Connection, facts: Sequence[Fact]) -> None:
        ids = {str(f.originator_id) for f in facts}
        found = conn.execute(select(cases).where(cases.c.case_id.in_(ids))).mappings()
        self.rows: dict[str, dict[str, Any]] = {r["case_id"]: dict(r) for r in found}

    def handle(self, fact: Fact) -> None:
        key, d = str(fact.originator_id), fact.data
        if fact.type == "RefundCaseOpened":
            self.rows[key] = {
                "case_id": key,
                "institution_id": d["institution_id"],
                "district_code": d["district_code"],
                "status": "opened",
                "source": d["source"],
                "claim_fen": d["claim_fen"],
                "assessed_fen": None,
                "paid_fen": 0,
                "opened_at": fact.recorded_at,
            }
        row = self.rows[key]
        if fact.type == "UnconsumedAmountAssessed":
            row["assessed_fen"] = d["amount_fen"]
        if fact.type == "RefundPaid":
            row["paid_fen"] += d["amount_fen"]
        row["status"] = STATUS_OF.get(fact.type, row["status"])
        row["position"] = fact.position

    def flush(self, conn: Connection) -> None:
        upsert(conn, cases, list(self.rows.values()))
