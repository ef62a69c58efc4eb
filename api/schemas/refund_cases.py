"""Refund cases: the steps of a dispute, and the case as its readers see it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import (
    Amount,
    Body,
    Phone,
    ShortText,
    Text,
)
from registry.domain.commands import Command
from registry.domain.commands import cases as cmd

# -- refund cases ---------------------------------------------------------------------------------

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-fA-F]{64}$", description="SHA-256, hex")]


class RefundCaseCreate(Body):
    command: ClassVar[type[Command]] = cmd.OpenRefundCase

    institution_id: UUID
    contract_ids: Annotated[list[UUID], Field(min_length=1, max_length=50)]
    claimant_name: ShortText
    claimant_phone: Phone
    source: Literal["complaint", "bureau", "court_referral"]
    claim_fen: Amount


class EvidenceAttach(Body):
    command: ClassVar[type[Command]] = cmd.AttachEvidence

    kind: Literal["contract", "payment", "consumption", "communication", "regulatory", "other"]
    description: Text
    sha256: Sha256


class AssessmentRequest(Body):
    command: ClassVar[type[Command]] = cmd.AssessRefundCase

    method: Literal["pooled", "paid_first"] = "pooled"
    irreversible_costs_fen: Amount = 0


class MediationRecord(Body):
    command: ClassVar[type[Command]] = cmd.RecordMediation

    outcome: Literal["agreed", "failed"]
    agreed_fen: Amount | None = None
    held_on: date


class CourtReferral(Body):
    command: ClassVar[type[Command]] = cmd.ReferToCourt

    court: Text
    referred_on: date


class JudgmentRecord(Body):
    command: ClassVar[type[Command]] = cmd.RecordJudgment

    court_case_no: ShortText
    awarded_fen: Amount
    judged_on: date


class RefundPayment(Body):
    command: ClassVar[type[Command]] = cmd.PayRefund

    amount_fen: Amount
    paid_on: date
    source: Literal["supervised_account", "institution", "risk_reserve", "other"]


class CaseClosure(Body):
    command: ClassVar[type[Command]] = cmd.CloseRefundCase

    outcome: Literal["paid", "partial", "uncollectible"]


class CaseWithdrawal(Body):
    command: ClassVar[type[Command]] = cmd.WithdrawRefundCase

    reason: Text


class RefundCaseDetail(BaseModel):
    id: str
    institution_id: str
    district_code: str
    contract_ids: list[str]
    claimant_name: str
    claimant_phone: str
    source: str
    claim_fen: int
    status: str
    evidence: list[dict[str, Any]]
    assessment: dict[str, Any] | None
    assessed_fen: int | None
    mediation: dict[str, Any] | None
    referral: dict[str, Any] | None
    judgment: dict[str, Any] | None
    payments: list[dict[str, Any]]
    paid_fen: int
    exports: list[dict[str, Any]]
    closure: dict[str, Any] | None
    opened_at: datetime
    version: int


class RefundCaseSummary(BaseModel):
    id: str
    institution_id: str
    district_code: str
    status: str
    source: str
    claim_fen: int
    assessed_fen: int | None
    paid_fen: int
    opened_at: datetime


class RefundCaseList(BaseModel):
    items: list[RefundCaseSummary]
    next_cursor: str | None
