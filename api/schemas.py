"""Request and response models of the REST API (pydantic), apart from events and tables."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

Text = Annotated[str, Field(min_length=1, max_length=500)]
ShortText = Annotated[str, Field(min_length=1, max_length=100)]
Fen = Annotated[int, Field(strict=True, ge=0, le=10**13, description="integer fen (分)")]


# Text without control characters other than tab and line breaks (a NUL cannot be stored in a
# PostgreSQL text column: let in, it would stop the projector at that event).
_CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
PRINTABLE = rf"^[^{_CONTROL_CHARACTERS}]*$"
_CONTROL = re.compile(rf"[{_CONTROL_CHARACTERS}]")


def _control_characters(value: Any, where: str) -> str | None:
    """Where in a request body a string holds a control character, if anywhere."""
    if isinstance(value, str):
        return where if _CONTROL.search(value) else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _control_characters(key, where) or _control_characters(item, f"{where}.{key}")
        if found:
            return found
    return None


class Body(BaseModel):
    """Request bodies refuse unknown fields, so a typo is a 422 rather than silently ignored,
    and control characters in any text (see ``PRINTABLE``)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _printable(cls, data: Any) -> Any:
        found = _control_characters(data, "body")
        if found:
            raise ValueError(f"{found} holds a control character")
        return data


class Health(BaseModel):
    status: str
    database: Literal["sqlite", "postgresql"]
    projections: dict[str, int]
    head: int = Field(description="the last position of the event log")
    lag: dict[str, int] = Field(description="events each projection has still to apply")
    projector: Literal["running", "stopped", "external"]


class WriteAnswer(BaseModel):
    """Every write answers the aggregate, its version after the write and the log position."""

    model_config = ConfigDict(extra="allow")

    id: str
    version: int
    position: int


class InstitutionCreate(Body):
    name: Text
    credit_code: Annotated[str, Field(min_length=1, max_length=32, description="18-char USCC")]
    district_code: Annotated[str, Field(min_length=1, max_length=12)]
    address: Text
    category: Literal["academic", "non_academic"]
    subjects: Annotated[list[ShortText], Field(min_length=1, max_length=30)]
    delivery: Literal["offline", "online"]
    legal_form: Literal["company", "non_profit"]
    legal_representative: ShortText
    icp_number: ShortText | None = None
    successor_of: UUID | None = Field(
        None, description="the predecessor of a conversion successor (营转非)"
    )


class LicenceIssue(Body):
    licence_no: ShortText
    approving_authority: Text
    valid_from: date
    valid_to: date


class LicenceRenewal(Body):
    valid_to: date


class StaffFiling(Body):
    name: ShortText
    role: ShortText
    qualification: ShortText | None = None
    certificate_no: ShortText | None = None
    serving_school_teacher: bool


class SupervisionEstablish(Body):
    mode: Literal["bank_custody", "risk_reserve"]
    bank: Text
    account_no: Annotated[str, Field(min_length=4, max_length=40)]
    agreement_no: ShortText
    reserve_fen: Fen | None = None


class Finding(Body):
    code: ShortText
    description: Text
    severity: Literal["minor", "major", "critical"]


class InspectionRecord(Body):
    inspected_on: date
    kind: Literal["routine", "random", "complaint", "special", "fund_audit"]
    inspectors: Annotated[list[ShortText], Field(min_length=1, max_length=20)]
    findings: Annotated[list[Finding], Field(max_length=100)] = []
    result: Literal["pass", "rectify", "fail"]


class RectificationOrder(Body):
    inspection_id: ShortText
    items: Annotated[list[Text], Field(min_length=1, max_length=100)]
    issued_on: date | None = None
    deadline: date


class RectificationVerification(Body):
    verified_on: date
    outcome: Literal["completed", "failed"]


class SuspensionOrder(Body):
    decision_no: ShortText
    reason: Text
    effective_from: date


class SuspensionLift(Body):
    decision_no: ShortText
    lifted_on: date


class PenaltyDecision(Body):
    decision_no: ShortText
    kinds: Annotated[list[ShortText], Field(min_length=1, max_length=10)]
    fine_fen: Fen = 0
    illegal_gains_fen: Fen = 0
    decided_on: date


class Revocation(Body):
    decision_no: ShortText
    reason: Text
    notice_served_on: date
    effective_on: date


class ConversionStart(Body):
    started_on: date
    planned_successor_name: Text


class ConversionCompletion(Body):
    successor_id: UUID
    completed_on: date


class Cessation(Body):
    kind: Literal["voluntary", "abnormal"]
    ceased_on: date
    reason: Text


class Blacklisting(Body):
    reasons: Annotated[list[Text], Field(min_length=1, max_length=20)]
    decision_no: ShortText
    listed_on: date | None = None


class BlacklistRemoval(Body):
    decision_no: ShortText
    removed_on: date | None = None


class Deregistration(Body):
    deregistered_on: date
    reason: Text


class InstitutionDetail(BaseModel):
    """The regulator view of an institution."""

    id: str
    name: str
    credit_code: str
    district_code: str
    address: str
    category: str
    subjects: list[str]
    delivery: str
    legal_form: str
    legal_representative: str
    icp_number: str | None
    successor_of: str | None
    status: Literal[
        "registered",
        "licensed",
        "suspended",
        "converting",
        "converted",
        "revoked",
        "ceased",
        "deregistered",
    ]
    licence: dict[str, Any] | None
    supervision: dict[str, Any] | None
    blacklisted: bool
    blacklisting: dict[str, Any] | None
    staff: list[dict[str, Any]]
    inspections: list[dict[str, Any]]
    rectification_orders: list[dict[str, Any]]
    open_rectification_orders: list[str]
    suspension: dict[str, Any] | None
    penalties: list[dict[str, Any]]
    revocation: dict[str, Any] | None
    conversion: dict[str, Any] | None
    cessation: dict[str, Any] | None
    deregistration: dict[str, Any] | None
    version: int
    registered_at: datetime
    modified_at: datetime


class EventItem(BaseModel):
    position: int
    version: int
    type: str
    recorded_at: datetime
    actor: dict[str, Any]
    data: dict[str, Any]


class EventPage(BaseModel):
    items: list[EventItem]
    next_cursor: str | None


# -- training contracts ------------------------------------------------------------------------

Count = Annotated[int, Field(strict=True, le=100_000)]
Amount = Annotated[int, Field(strict=True, le=10_000_000_000, description="integer fen (分)")]
Phone = Annotated[str, Field(pattern=r"^\+?\d[\d\- ]{5,19}$")]


class ContractCreate(Body):
    institution_id: UUID
    pupil_ref: ShortText
    guardian_name: ShortText
    guardian_phone: Phone
    course: Text
    paid_lessons: Count
    gift_lessons: Count = 0
    price_per_lesson_fen: Amount
    start_date: date
    end_date: date


class PaymentReport(Body):
    amount_fen: Amount
    paid_at: AwareDatetime
    channel: ShortText
    into_supervised_account: bool
    lessons_covered: Count | None = None
    covers_until: date | None = None


class ConsumptionReport(Body):
    lessons: Count
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    delivery: Literal["offline", "online"]


class ReleaseReport(Body):
    amount_fen: Amount


class RefundReport(Body):
    amount_fen: Amount
    paid_at: AwareDatetime


class ContractTermination(Body):
    by: Literal["guardian", "institution", "regulator"]
    reason: Text
    terminated_on: date


class ContractCompletion(Body):
    completed_on: date


class ContractTransfer(Body):
    successor_id: UUID
    transferred_on: date


class Breach(BaseModel):
    rule: str
    rule_version: str
    detail: str
    position: int | None


class ContractDetail(BaseModel):
    """The ledger of one contract; guardian details masked unless the reader needs them."""

    id: str
    institution_id: str
    district_code: str
    category: str
    pupil_ref: str
    guardian_name: str
    guardian_phone: str
    course: str
    paid_lessons: int
    gift_lessons: int
    price_per_lesson_fen: int
    start_date: date
    end_date: date
    supervision_mode: str | None
    status: str
    paid_fen: int
    consumed_lessons: int
    released_fen: int
    refunded_fen: int
    consumed_value_fen: int
    unconsumed_fen: int
    escrow_balance_fen: int
    disputed: bool
    method: Literal["pooled", "paid_first"]
    worksheet: dict[str, Any]
    payments: list[dict[str, Any]]
    transfers: list[dict[str, Any]]
    breaches: list[Breach]
    version: int


# -- read models ---------------------------------------------------------------------------------


class PublicInstitution(BaseModel):
    """What the public sees of an institution: no personal data."""

    id: str
    name: str
    credit_code: str
    district_code: str
    category: str
    subjects: list[str]
    delivery: str
    licence_no: str | None
    licence_valid_to: date | None
    supervision_mode: str | None
    supervision_bank: str | None
    status: str
    legitimate: bool


class StatusChange(BaseModel):
    status: str
    effective_on: date
    position: int


class PublishedPenalty(BaseModel):
    decision_no: str
    kinds: list[str]
    fine_fen: int
    illegal_gains_fen: int
    decided_on: date


class PublicInstitutionPage(PublicInstitution):
    status_history: list[StatusChange]
    penalties: list[PublishedPenalty]


class PublicInstitutionList(BaseModel):
    items: list[PublicInstitution]
    next_cursor: str | None


class BlacklistEntry(BaseModel):
    institution_id: str
    name: str
    credit_code: str
    district_code: str
    reasons: list[str]
    decision_no: str
    listed_on: date


class Blacklist(BaseModel):
    items: list[BlacklistEntry]


class ContractFigures(BaseModel):
    contract_id: str
    status: str
    consumed_lessons: int
    collected_fen: int
    consumed_value_fen: int
    released_fen: int
    refunded_fen: int
    unconsumed_fen: int
    escrow_balance_fen: int
    coverage_ratio: float | None


class RefundTracking(BaseModel):
    institution_id: str
    collected_fen: int
    consumed_value_fen: int
    released_fen: int
    refunded_fen: int
    unconsumed_fen: int
    escrow_balance_fen: int
    coverage_ratio: float | None
    open_contracts: int
    open_refund_cases: int
    contracts: list[ContractFigures]


class FeedItem(BaseModel):
    position: int
    stream_id: str
    version: int
    type: str
    district_code: str | None = Field(
        description="null for the registry's own streams (clock, rosters)"
    )
    recorded_at: datetime
    actor: dict[str, Any]
    data: dict[str, Any]


class FeedPage(BaseModel):
    items: list[FeedItem]
    last_position: int
    next_cursor: str | None


# -- refund cases ---------------------------------------------------------------------------------

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-fA-F]{64}$", description="SHA-256, hex")]


class RefundCaseCreate(Body):
    institution_id: UUID
    contract_ids: Annotated[list[UUID], Field(min_length=1, max_length=50)]
    claimant_name: ShortText
    claimant_phone: Phone
    source: Literal["complaint", "bureau", "court_referral"]
    claim_fen: Amount


class EvidenceAttach(Body):
    kind: Literal["contract", "payment", "consumption", "communication", "regulatory", "other"]
    description: Text
    sha256: Sha256


class AssessmentRequest(Body):
    method: Literal["pooled", "paid_first"] = "pooled"
    irreversible_costs_fen: Amount = 0


class MediationRecord(Body):
    outcome: Literal["agreed", "failed"]
    agreed_fen: Amount | None = None
    held_on: date


class CourtReferral(Body):
    court: Text
    referred_on: date


class JudgmentRecord(Body):
    court_case_no: ShortText
    awarded_fen: Amount
    judged_on: date


class RefundPayment(Body):
    amount_fen: Amount
    paid_on: date
    source: Literal["supervised_account", "institution", "risk_reserve", "other"]


class CaseClosure(Body):
    outcome: Literal["paid", "partial", "uncollectible"]


class CaseWithdrawal(Body):
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


class RiskAlert(BaseModel):
    """A risk signal raised on an institution (DESIGN.md §5), with what raised it."""

    id: str
    institution_id: str
    district_code: str
    signal: Literal[
        "coverage",
        "compliance_breach",
        "prepaid_inflow_spike",
        "rectification_overdue",
        "licence_expiring",
        "abnormal_closure",
        "complaint_surge",
    ]
    subject: str | None = Field(description="the contract, rectification order or licence")
    level: Literal["yellow", "red"]
    rule: str
    rule_version: str
    metrics: dict[str, Any] = Field(description="the figures the signal was judged on")
    event_positions: list[int] = Field(description="log positions of the events behind it")
    raised_at: datetime
    status: Literal["open", "resolved"]
    resolved_at: datetime | None


class RiskAlertPage(BaseModel):
    items: list[RiskAlert]
    next_cursor: str | None
