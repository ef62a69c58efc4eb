"""The RefundCase aggregate: a family's refund dispute, from complaint to mediation or court.

``opened`` → ``assessed`` → ``settled`` (mediation agreed) | ``mediation_failed`` →
``referred_to_court`` → ``judged``; then ``closed``. ``withdrawn`` from any open state. The
assessment is computed by the registry from the contracts' ledgers, never typed in.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from registry.domain import case_events, rules
from registry.domain.errors import RuleViolation
from registry.domain.rules import refuse_unless
from registry.domain.vocabulary import Actor

OPEN_STATES = ("opened", "assessed", "settled", "mediation_failed", "referred_to_court", "judged")


class RefundCase(Aggregate):
    """A refund dispute over one or more contracts of one institution."""

    # Its events (declared in ``case_events``, stored under this class's name).
    RefundCaseOpened = case_events.RefundCaseOpened
    EvidenceAttached = case_events.EvidenceAttached
    UnconsumedAmountAssessed = case_events.UnconsumedAmountAssessed
    MediationAgreementReached = case_events.MediationAgreementReached
    MediationFailed = case_events.MediationFailed
    CaseReferredToCourt = case_events.CaseReferredToCourt
    JudgmentRecorded = case_events.JudgmentRecorded
    RefundPaid = case_events.RefundPaid
    CaseFileExported = case_events.CaseFileExported
    RefundCaseClosed = case_events.RefundCaseClosed
    RefundCaseWithdrawn = case_events.RefundCaseWithdrawn

    @classmethod
    def open(
        cls,
        *,
        institution_id: UUID,
        district_code: str,
        contract_ids: list[UUID],
        claimant_name: str,
        claimant_phone: str,
        source: str,
        claim_fen: int,
        actor: Actor,
    ) -> RefundCase:
        """A complaint, the bureau or a court referral opens a case."""
        refuse_unless(
            bool(contract_ids) and len(set(contract_ids)) == len(contract_ids),
            rules.CASE_CONTRACTS,
            "a case names one or more distinct contracts",
        )
        refuse_unless(claim_fen > 0, rules.AMOUNT_POSITIVE, "claim_fen must be positive")
        return cls._create(
            cls.RefundCaseOpened,
            id=uuid4(),
            institution_id=str(institution_id),
            district_code=district_code,
            contract_ids=[str(c) for c in contract_ids],
            claimant_name=claimant_name,
            claimant_phone=claimant_phone,
            source=source,
            claim_fen=claim_fen,
            actor=actor,
        )

    @event(RefundCaseOpened)
    def __init__(
        self,
        institution_id: str,
        district_code: str,
        contract_ids: list[str],
        claimant_name: str,
        claimant_phone: str,
        source: str,
        claim_fen: int,
        actor: Actor,
    ) -> None:
        self.institution_id = UUID(institution_id)
        self.district_code = district_code
        self.contract_ids = [UUID(c) for c in contract_ids]
        self.claimant_name = claimant_name
        self.claimant_phone = claimant_phone
        self.source = source
        self.claim_fen = claim_fen
        self.status = "opened"
        self.evidence: list[dict[str, Any]] = []
        self.assessment: dict[str, Any] | None = None
        self.mediation: dict[str, Any] | None = None
        self.referral: dict[str, Any] | None = None
        self.judgment: dict[str, Any] | None = None
        self.payments: list[dict[str, Any]] = []
        self.exports: list[dict[str, Any]] = []
        self.closure: dict[str, Any] | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def paid_fen(self) -> int:
        return sum(p["amount_fen"] for p in self.payments)

    @property
    def payable_fen(self) -> int | None:
        """What the family is owed by agreement or judgment (None before either)."""
        if self.judgment is not None:
            return int(self.judgment["awarded_fen"])
        if self.mediation is not None and self.mediation["outcome"] == "agreed":
            return int(self.mediation["agreed_fen"])
        return None

    def _require_state(self, *states: str) -> None:
        refuse_unless(
            self.status in states,
            rules.CASE_STATE,
            f"the case is {self.status}; this step needs it to be {' or '.join(states)}",
        )

    def attach_evidence(self, *, kind: str, description: str, sha256: str, actor: Actor) -> str:
        """An item of evidence, identified by its SHA-256 digest."""
        self._require_state(*OPEN_STATES)
        evidence_id = str(uuid4())
        self._evidence_attached(
            evidence_id=evidence_id, kind=kind, description=description, sha256=sha256, actor=actor
        )
        return evidence_id

    @event(EvidenceAttached)
    def _evidence_attached(
        self, evidence_id: str, kind: str, description: str, sha256: str, actor: Actor
    ) -> None:
        self.evidence.append(
            {"id": evidence_id, "kind": kind, "description": description, "sha256": sha256}
        )

    def record_assessment(
        self,
        *,
        amount_fen: int,
        paid_less_refunded_fen: int,
        method: str,
        irreversible_costs_fen: int,
        worksheets: list[dict[str, Any]],
        alternatives: dict[str, int],
        as_of_position: int,
        actor: Actor,
    ) -> None:
        """The registry's computation of the unconsumed amount over the case's contracts."""
        self._require_state("opened", "assessed")
        refuse_unless(
            irreversible_costs_fen >= 0,
            rules.AMOUNT_POSITIVE,
            "irreversible costs cannot be negative",
        )
        refuse_unless(
            0 <= amount_fen <= paid_less_refunded_fen,
            rules.CASE_ASSESSMENT_LIMIT,
            f"{amount_fen} fen assessed, but only {paid_less_refunded_fen} fen were paid and not "
            "refunded",
        )
        self._assessed(
            amount_fen=amount_fen,
            method=method,
            irreversible_costs_fen=irreversible_costs_fen,
            worksheets=worksheets,
            alternatives=alternatives,
            as_of_position=as_of_position,
            actor=actor,
        )

    @event(UnconsumedAmountAssessed)
    def _assessed(
        self,
        amount_fen: int,
        method: str,
        irreversible_costs_fen: int,
        worksheets: list[dict[str, Any]],
        alternatives: dict[str, int],
        as_of_position: int,
        actor: Actor,
    ) -> None:
        self.status = "assessed"
        self.assessment = {
            "assessed_fen": amount_fen,
            "method": method,
            "irreversible_costs_fen": irreversible_costs_fen,
            "worksheets": worksheets,
            "alternatives": alternatives,
            "as_of_position": as_of_position,
        }

    def record_mediation(
        self, *, outcome: str, held_on: date, actor: Actor, agreed_fen: int | None = None
    ) -> None:
        """Mediation by the bureau or a people's mediation committee: agreed, or failed."""
        self._require_state("assessed")
        if outcome == "agreed":
            if agreed_fen is None or agreed_fen <= 0:
                raise RuleViolation(
                    rules.AMOUNT_POSITIVE.id, "an agreement states the amount agreed, in fen"
                )
            self._mediation_agreed(agreed_fen=agreed_fen, held_on=held_on.isoformat(), actor=actor)
        else:
            self._mediation_failed(held_on=held_on.isoformat(), actor=actor)

    @event(MediationAgreementReached)
    def _mediation_agreed(self, agreed_fen: int, held_on: str, actor: Actor) -> None:
        self.status = "settled"
        self.mediation = {"outcome": "agreed", "agreed_fen": agreed_fen, "held_on": held_on}

    @event(MediationFailed)
    def _mediation_failed(self, held_on: str, actor: Actor) -> None:
        self.status = "mediation_failed"
        self.mediation = {"outcome": "failed", "agreed_fen": None, "held_on": held_on}

    def refer_to_court(self, *, court: str, referred_on: date, actor: Actor) -> None:
        """After failed mediation the case goes to the district court (诉调对接)."""
        self._require_state("mediation_failed")
        self._referred(court=court, referred_on=referred_on.isoformat(), actor=actor)

    @event(CaseReferredToCourt)
    def _referred(self, court: str, referred_on: str, actor: Actor) -> None:
        self.status = "referred_to_court"
        self.referral = {"court": court, "referred_on": referred_on}

    def record_judgment(
        self, *, court_case_no: str, awarded_fen: int, judged_on: date, actor: Actor
    ) -> None:
        """The court's judgment and the amount it awards."""
        self._require_state("referred_to_court")
        refuse_unless(awarded_fen >= 0, rules.AMOUNT_POSITIVE, "awarded_fen cannot be negative")
        self._judged(
            court_case_no=court_case_no,
            awarded_fen=awarded_fen,
            judged_on=judged_on.isoformat(),
            actor=actor,
        )

    @event(JudgmentRecorded)
    def _judged(self, court_case_no: str, awarded_fen: int, judged_on: str, actor: Actor) -> None:
        self.status = "judged"
        self.judgment = {
            "court_case_no": court_case_no,
            "awarded_fen": awarded_fen,
            "judged_on": judged_on,
        }

    def pay(
        self,
        *,
        amount_fen: int,
        paid_on: date,
        source: str,
        allocations: dict[str, int],
        actor: Actor,
    ) -> None:
        """A refund paid to the family; ``allocations`` says which contract each fen refunds."""
        self._require_state("settled", "judged")
        refuse_unless(amount_fen > 0, rules.AMOUNT_POSITIVE, "amount_fen must be positive")
        payable = self.payable_fen or 0
        refuse_unless(
            self.paid_fen + amount_fen <= payable,
            rules.CASE_PAYMENT_LIMIT,
            f"{self.paid_fen} fen already paid of {payable} fen agreed or awarded",
        )
        self._refund_paid(
            payment_id=str(uuid4()),
            amount_fen=amount_fen,
            paid_on=paid_on.isoformat(),
            source=source,
            allocations=allocations,
            actor=actor,
        )

    @event(RefundPaid)
    def _refund_paid(
        self,
        payment_id: str,
        amount_fen: int,
        paid_on: str,
        source: str,
        allocations: dict[str, int],
        actor: Actor,
    ) -> None:
        self.payments.append(
            {
                "payment_id": payment_id,
                "amount_fen": amount_fen,
                "paid_on": paid_on,
                "source": source,
                "allocations": dict(allocations),
            }
        )

    def record_export(self, *, manifest_sha256: str, position: int, actor: Actor) -> None:
        """A case file was exported; its manifest digest lets anyone verify the copy."""
        refuse_unless(
            self.assessment is not None,
            rules.CASE_EXPORT_NEEDS_ASSESSMENT,
            "the case has no assessment yet",
        )
        self._exported(manifest_sha256=manifest_sha256, position=position, actor=actor)

    @event(CaseFileExported)
    def _exported(self, manifest_sha256: str, position: int, actor: Actor) -> None:
        self.exports.append({"manifest_sha256": manifest_sha256, "position": position})

    def close(self, *, outcome: str, actor: Actor) -> None:
        """Close a settled or judged case: paid in full, partly, or uncollectible."""
        self._require_state("settled", "judged")
        self._closed(outcome=outcome, paid_fen=self.paid_fen, actor=actor)

    @event(RefundCaseClosed)
    def _closed(self, outcome: str, paid_fen: int, actor: Actor) -> None:
        self.status = "closed"
        self.closure = {"outcome": outcome, "paid_fen": paid_fen}

    def withdraw(self, *, reason: str, actor: Actor) -> None:
        """The claimant withdraws; possible from any open state."""
        self._require_state(*OPEN_STATES)
        self._withdrawn(reason=reason, actor=actor)

    @event(RefundCaseWithdrawn)
    def _withdrawn(self, reason: str, actor: Actor) -> None:
        self.status = "withdrawn"
        self.closure = {"outcome": "withdrawn", "reason": reason}
