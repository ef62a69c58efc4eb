"""Commands of the bureaus about institutions: registration, licensing, enforcement, closure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TypedDict
from uuid import UUID

from registry.domain.commands import Command, InstitutionCommand
from registry.domain.vocabulary import (
    Category,
    CessationKind,
    Delivery,
    InspectionKind,
    InspectionResult,
    LegalForm,
    Severity,
    SupervisionMode,
    VerificationOutcome,
)


@dataclass(frozen=True, kw_only=True)
class RegisterInstitution(Command):
    """Enter an institution (a legal person with its credit code) into the register."""

    name: str
    credit_code: str
    district_code: str
    address: str
    category: Category
    subjects: list[str]
    delivery: Delivery
    legal_form: LegalForm
    legal_representative: str
    icp_number: str | None = None
    successor_of: UUID | None = None
    registered_on: date | None = None  # the day the entry takes effect; today unless dated


@dataclass(frozen=True, kw_only=True)
class IssueLicence(InstitutionCommand):
    """Issue the licence (办学许可证) of a registered institution."""

    licence_no: str
    approving_authority: str
    valid_from: date
    valid_to: date


@dataclass(frozen=True, kw_only=True)
class RenewLicence(InstitutionCommand):
    """Extend a current licence to a later end date, from ``renewed_on`` (today unless dated)."""

    valid_to: date
    renewed_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class FileStaffMember(InstitutionCommand):
    """File a member of the teaching staff (从业人员备案)."""

    name: str
    role: str
    serving_school_teacher: bool
    qualification: str | None = None
    certificate_no: str | None = None


@dataclass(frozen=True, kw_only=True)
class EstablishFundSupervision(InstitutionCommand):
    """Put prepaid fees under bank custody or back them with a risk reserve (预收费监管)."""

    mode: SupervisionMode
    bank: str
    account_no: str
    agreement_no: str
    reserve_fen: int | None = None
    established_on: date | None = None  # in place from this day; today unless dated


@dataclass(frozen=True, kw_only=True)
class EndFundSupervision(InstitutionCommand):
    """Record that the custody agreement or risk reserve ended (today unless dated)."""

    reason: str
    ended_on: date | None = None


class Finding(TypedDict):
    """One thing an inspection found."""

    code: str
    description: str
    severity: Severity


@dataclass(frozen=True, kw_only=True)
class RecordInspection(InstitutionCommand):
    """Record an inspection and what it found; the registry gives it an id."""

    inspected_on: date
    kind: InspectionKind
    inspectors: list[str]
    result: InspectionResult
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class OrderRectification(InstitutionCommand):
    """Order findings put right by a deadline (责令整改); issued today unless dated."""

    inspection_id: str
    items: list[str]
    deadline: date
    issued_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class VerifyRectification(InstitutionCommand):
    """Record the bureau's check of a rectification order."""

    order_id: str
    verified_on: date
    outcome: VerificationOutcome


@dataclass(frozen=True, kw_only=True)
class SuspendEnrolment(InstitutionCommand):
    """Order the institution to stop enrolling (责令停止招收学员)."""

    decision_no: str
    reason: str
    effective_from: date


@dataclass(frozen=True, kw_only=True)
class LiftSuspension(InstitutionCommand):
    """Let a suspended institution enrol again."""

    decision_no: str
    lifted_on: date


@dataclass(frozen=True, kw_only=True)
class ImposePenalty(InstitutionCommand):
    """Record an administrative penalty decision (行政处罚决定)."""

    decision_no: str
    kinds: list[str]
    decided_on: date
    fine_fen: int = 0
    illegal_gains_fen: int = 0


@dataclass(frozen=True, kw_only=True)
class RevokeLicence(InstitutionCommand):
    """Revoke the licence (吊销办学许可证) after serving notice."""

    decision_no: str
    reason: str
    notice_served_on: date
    effective_on: date


@dataclass(frozen=True, kw_only=True)
class StartConversion(InstitutionCommand):
    """Start converting a for-profit academic institution to non-profit (营转非)."""

    started_on: date
    planned_successor_name: str


@dataclass(frozen=True, kw_only=True)
class CompleteConversion(InstitutionCommand):
    """Complete a conversion, handing over to the registered non-profit successor."""

    successor_id: UUID
    completed_on: date


@dataclass(frozen=True, kw_only=True)
class AbandonConversion(InstitutionCommand):
    """Abandon a conversion in progress (营转非终止); the institution is licensed again."""

    abandoned_on: date
    reason: str


@dataclass(frozen=True, kw_only=True)
class CeaseOperations(InstitutionCommand):
    """Record that the institution stopped operating, voluntarily or abnormally (跑路)."""

    kind: CessationKind
    ceased_on: date
    reason: str


@dataclass(frozen=True, kw_only=True)
class Blacklist(InstitutionCommand):
    """Put the institution on the public blacklist (黑名单); listed today unless dated."""

    reasons: list[str]
    decision_no: str
    listed_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class RemoveFromBlacklist(InstitutionCommand):
    """Take the institution off the blacklist; removed today unless dated."""

    decision_no: str
    removed_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class Deregister(InstitutionCommand):
    """Remove a revoked, ceased or converted institution from the register (注销)."""

    deregistered_on: date
    reason: str


@dataclass(frozen=True, kw_only=True)
class AnnulDecision(InstitutionCommand):
    """Annul a decision made in error, set aside on reconsideration (行政复议) or by a court.

    ``position`` is the annulled decision's position in the log."""

    position: int
    decision_no: str
    reason: str
    annulled_on: date | None = None
