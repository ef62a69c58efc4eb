"""Steps of a refund dispute, from complaint through mediation or court to closure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from registry.domain.commands import CaseCommand, Command
from registry.domain.vocabulary import (
    CaseSource,
    ClosureOutcome,
    EvidenceKind,
    MediationOutcome,
    Method,
    RefundSource,
)


@dataclass(frozen=True, kw_only=True)
class OpenRefundCase(Command):
    """Open a dispute over contracts of one institution."""

    institution_id: UUID
    contract_ids: list[UUID]
    claimant_name: str
    claimant_phone: str
    source: CaseSource
    claim_fen: int


@dataclass(frozen=True, kw_only=True)
class AttachEvidence(CaseCommand):
    """Attach an item of evidence by its SHA-256 digest."""

    kind: EvidenceKind
    description: str
    sha256: str


@dataclass(frozen=True, kw_only=True)
class AssessRefundCase(CaseCommand):
    """Compute the unconsumed amount over the case's contracts from their ledgers."""

    method: Method = "pooled"
    irreversible_costs_fen: int = 0


@dataclass(frozen=True, kw_only=True)
class RecordMediation(CaseCommand):
    """Record mediation: an agreed amount, or failure."""

    outcome: MediationOutcome
    held_on: date
    agreed_fen: int | None = None


@dataclass(frozen=True, kw_only=True)
class ReferToCourt(CaseCommand):
    """Refer a case whose mediation failed to a court."""

    court: str
    referred_on: date


@dataclass(frozen=True, kw_only=True)
class RecordJudgment(CaseCommand):
    """Record the court's judgment and the amount awarded."""

    court_case_no: str
    awarded_fen: int
    judged_on: date


@dataclass(frozen=True, kw_only=True)
class PayRefund(CaseCommand):
    """Record a refund paid on the case; the contracts record it too."""

    amount_fen: int
    paid_on: date
    source: RefundSource


@dataclass(frozen=True, kw_only=True)
class CloseRefundCase(CaseCommand):
    """Close a settled or judged case."""

    outcome: ClosureOutcome


@dataclass(frozen=True, kw_only=True)
class WithdrawRefundCase(CaseCommand):
    """The claimant withdraws the case."""

    reason: str


@dataclass(frozen=True, kw_only=True)
class RecordCaseFileExport(CaseCommand):
    """Record that the case file taken at ``position`` was exported, and by whom."""

    manifest_sha256: str
    position: int
