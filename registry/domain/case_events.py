"""The events of a refund case's stream: what is stored, field by field.

They are declared here and attached to ``RefundCase``, whose ``@event`` methods apply them; the
stored topic is the aggregate's (``registry.domain.refund_case:RefundCase.<name>``), so logs
written before keep loading. Read them from ``registry.domain.events``.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from registry.domain.vocabulary import Actor


class RefundCaseOpened(Aggregate.Created):
    """A complaint, the bureau or a court referral opened a refund dispute."""

    institution_id: str
    district_code: str
    contract_ids: list[str]
    claimant_name: str
    claimant_phone: str
    source: str
    claim_fen: int
    actor: Actor


class EvidenceAttached(Aggregate.Event):
    """An item of evidence was attached, by its SHA-256 digest."""

    evidence_id: str
    kind: str
    description: str
    sha256: str
    actor: Actor


class UnconsumedAmountAssessed(Aggregate.Event):
    """The registry computed the unconsumed amount from the contracts' ledgers."""

    amount_fen: int
    method: str
    irreversible_costs_fen: int
    worksheets: list[dict[str, Any]]
    alternatives: dict[str, int]
    as_of_position: int
    actor: Actor


class MediationAgreementReached(Aggregate.Event):
    """Mediation reached an agreed refund amount."""

    agreed_fen: int
    held_on: str
    actor: Actor


class MediationFailed(Aggregate.Event):
    """Mediation failed."""

    held_on: str
    actor: Actor


class CaseReferredToCourt(Aggregate.Event):
    """The case went to a court."""

    court: str
    referred_on: str
    actor: Actor


class JudgmentRecorded(Aggregate.Event):
    """The court's judgment and the amount it awarded."""

    court_case_no: str
    awarded_fen: int
    judged_on: str
    actor: Actor


class RefundPaid(Aggregate.Event):
    """A refund was paid on the case, allocated to its contracts."""

    payment_id: str
    amount_fen: int
    paid_on: str
    source: str
    allocations: dict[str, int]
    actor: Actor


class CaseFileExported(Aggregate.Event):
    """The court case file was exported at a log position, with its manifest digest."""

    manifest_sha256: str
    position: int
    actor: Actor


class RefundCaseClosed(Aggregate.Event):
    """The case closed with its outcome."""

    outcome: str
    paid_fen: int
    actor: Actor


class RefundCaseWithdrawn(Aggregate.Event):
    """The claimant withdrew the case."""

    reason: str
    actor: Actor
