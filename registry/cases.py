"""Refund case commands and queries of the Registry (a mixin of ``Registry``).

A case and the contracts it names are saved together: opening marks each contract disputed
(so no second case, and no escrow release), a refund payment records the matching
``PrepaidRefunded`` on the contracts, closing or withdrawing lifts the dispute. One atomic
save each time, so the two sides never disagree.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from uuid import UUID

from registry.domain import rules
from registry.domain.clock import SHANGHAI
from registry.domain.contract import TrainingContract
from registry.domain.errors import RuleViolation
from registry.domain.institution import Institution
from registry.domain.principal import Principal
from registry.domain.refund_case import RefundCase
from registry.domain.unconsumed import METHODS, POOLED, round_fen
from registry.results import WriteResult

if TYPE_CHECKING:
    from registry.application import Registry

CASE_ROLES = ("regulator", "court")


class RefundCaseCommands:
    """Refund disputes: opening, evidence, assessment, mediation, court, payment, closure."""

    def _case(self: Registry, principal: Principal, case_id: UUID) -> RefundCase:
        case = self._get(RefundCase, case_id, "refund case")
        principal.require(CASE_ROLES, case.district_code)
        return case

    def _case_contracts(self: Registry, case: RefundCase) -> list[TrainingContract]:
        return [self._get(TrainingContract, c, "contract") for c in case.contract_ids]

    def open_refund_case(
        self: Registry,
        principal: Principal,
        *,
        institution_id: UUID,
        contract_ids: list[UUID],
        **fields: Any,
    ) -> WriteResult:
        """Open a dispute over contracts of one institution; each contract in one open case."""
        inst = self._get(Institution, institution_id, "institution")
        principal.require(CASE_ROLES, inst.district_code)
        contracts = [self._get(TrainingContract, c, "contract") for c in contract_ids]
        strangers = [str(c.id) for c in contracts if c.institution_id != inst.id]
        if strangers:
            raise RuleViolation(
                rules.CASE_CONTRACTS.id,
                f"contract(s) {', '.join(strangers)} are not contracts of institution {inst.id}",
            )
        case = RefundCase.open(
            institution_id=inst.id,
            district_code=inst.district_code,
            contract_ids=list(contract_ids),
            actor=principal.as_actor(),
            **fields,
        )
        for contract in contracts:
            contract.open_dispute(case_id=case.id, actor=principal.as_actor())
        return self._save(case, *contracts)

    def _case_command(
        self: Registry,
        principal: Principal,
        case_id: UUID,
        expected_version: int | None,
        command: Any,
        roles: tuple[str, ...] = CASE_ROLES,
    ) -> WriteResult:
        case = self._get(RefundCase, case_id, "refund case")
        principal.require(roles, case.district_code)
        self._check_version(case, expected_version)
        extra = command(case)
        return self._save(case, extra=extra)

    def attach_evidence(
        self: Registry,
        principal: Principal,
        case_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._case_command(
            principal,
            case_id,
            expected_version,
            lambda c: {"evidence_id": c.attach_evidence(**fields, actor=principal.as_actor())},
        )

    def assess_refund_case(
        self: Registry,
        principal: Principal,
        case_id: UUID,
        *,
        method: str = POOLED,
        irreversible_costs_fen: int = 0,
        expected_version: int | None = None,
    ) -> WriteResult:
        """Compute the unconsumed amount over the case's contracts from their ledgers."""

        def assess(case: RefundCase) -> dict[str, Any]:
            contracts = self._case_contracts(case)
            totals = {m: sum(c.assess(m).unconsumed_fen for c in contracts) for m in METHODS}
            chosen = max(0, round_fen(totals[method]) - irreversible_costs_fen)
            alternatives = {
                m: max(0, round_fen(t) - irreversible_costs_fen) for m, t in totals.items()
            }
            case.record_assessment(
                amount_fen=chosen,
                paid_less_refunded_fen=sum(c.paid_fen - c.refunded_fen for c in contracts),
                method=method,
                irreversible_costs_fen=irreversible_costs_fen,
                worksheets=[
                    {"contract_id": str(c.id), **c.assess(method).worksheet(c.ledger())}
                    for c in contracts
                ],
                alternatives=alternatives,
                as_of_position=self.recorder.max_notification_id() or 0,
                actor=principal.as_actor(),
            )
            assert case.assessment is not None
            return {
                "assessed_fen": chosen,
                "method": method,
                "alternatives": alternatives,
                "worksheets": case.assessment["worksheets"],
            }

        return self._case_command(principal, case_id, expected_version, assess)

    def record_mediation(
        self: Registry,
        principal: Principal,
        case_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._case_command(
            principal,
            case_id,
            expected_version,
            lambda c: c.record_mediation(**fields, actor=principal.as_actor()),
            roles=("regulator",),
        )

    def refer_to_court(
        self: Registry,
        principal: Principal,
        case_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._case_command(
            principal,
            case_id,
            expected_version,
            lambda c: c.refer_to_court(**fields, actor=principal.as_actor()),
        )

    def record_judgment(
        self: Registry,
        principal: Principal,
        case_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._case_command(
            principal,
            case_id,
            expected_version,
            lambda c: c.record_judgment(**fields, actor=principal.as_actor()),
            roles=("court",),
        )

    def pay_refund(
        self: Registry,
        principal: Principal,
        case_id: UUID,
        *,
        amount_fen: int,
        paid_on: date,
        source: str,
        expected_version: int | None = None,
    ) -> WriteResult:
        """A refund paid on the case; the contracts record it as PrepaidRefunded, in one save."""
        case = self._case(principal, case_id)
        self._check_version(case, expected_version)
        contracts = self._case_contracts(case)
        allocations: dict[str, int] = {}
        left = amount_fen
        for contract in contracts:
            share = min(left, contract.unconsumed_fen)
            if share > 0:
                allocations[str(contract.id)] = share
                left -= share
        case.pay(
            amount_fen=amount_fen,
            paid_on=paid_on,
            source=source,
            allocations=allocations,
            actor=principal.as_actor(),
        )
        paid_at = datetime.combine(paid_on, time(12), tzinfo=SHANGHAI)
        touched = []
        for contract in contracts:
            share = allocations.get(str(contract.id), 0)
            if share:
                contract.refund(
                    amount_fen=share,
                    paid_at=paid_at,
                    refund_case_id=str(case.id),
                    actor=principal.as_actor(),
                )
                touched.append(contract)
        return self._save(case, *touched)

    def close_refund_case(
        self: Registry,
        principal: Principal,
        case_id: UUID,
        *,
        outcome: str,
        expected_version: int | None = None,
    ) -> WriteResult:
        return self._end_case(
            principal, case_id, expected_version, lambda c, a: c.close(outcome=outcome, actor=a)
        )

    def withdraw_refund_case(
        self: Registry,
        principal: Principal,
        case_id: UUID,
        *,
        reason: str,
        expected_version: int | None = None,
    ) -> WriteResult:
        return self._end_case(
            principal, case_id, expected_version, lambda c, a: c.withdraw(reason=reason, actor=a)
        )

    def _end_case(
        self: Registry, principal: Principal, case_id: UUID, expected_version: int | None, end: Any
    ) -> WriteResult:
        case = self._case(principal, case_id)
        self._check_version(case, expected_version)
        end(case, principal.as_actor())
        contracts = self._case_contracts(case)
        for contract in contracts:
            contract.close_dispute(case_id=case.id, outcome=case.status, actor=principal.as_actor())
        return self._save(case, *contracts)

    # -- queries -----------------------------------------------------------------------------

    def refund_case(self: Registry, principal: Principal, case_id: UUID) -> dict[str, Any]:
        return case_view(self._case(principal, case_id))

    # -- the court case file -----------------------------------------------------------------

    def case_file_bundle(
        self: Registry, principal: Principal, case_id: UUID, position: int | None = None
    ) -> dict[str, Any]:
        """Everything the court case file shows, exactly as the log stood at ``position``."""
        case = self._case(principal, case_id)
        principal.require(("court", "regulator"), case.district_code)
        head = self.recorder.max_notification_id() or 0
        position = head if position is None else min(position, head)
        streams = [("refund_case", case.id), ("institution", case.institution_id)] + [
            ("contract", c) for c in case.contract_ids
        ]
        events, states = [], {}
        for kind, stream_id in streams:
            logged = [
                e for e in self.event_log.events(stream_id, 0, 1_000_000) if e.position <= position
            ]
            if not logged:
                states[stream_id] = None
                continue
            states[stream_id] = self.repository.get(stream_id, version=logged[-1].version)
            events += [(kind, e) for e in logged]
        case_then = states[case.id]
        if case_then is None or case_then.assessment is None:
            raise RuleViolation(
                rules.CASE_EXPORT_NEEDS_ASSESSMENT.id,
                f"the case had no assessment at position {position}",
            )
        events.sort(key=lambda pair: pair[1].position)
        from registry.application import institution_view
        from registry.contracts import contract_figures

        return {
            "position": position,
            "exported_at": events[-1][1].recorded_at.isoformat(),
            "case": case_view(case_then),
            "institution": institution_view(states[case.institution_id]),
            "contracts": [
                contract_figures(states[c]) for c in case.contract_ids if states[c] is not None
            ],
            "events": [
                {
                    "position": e.position,
                    "stream": kind,
                    "stream_id": str(e.originator_id),
                    "version": e.version,
                    "type": e.type,
                    "recorded_at": e.recorded_at.isoformat(),
                    "actor": e.actor,
                    "data": e.data,
                }
                for kind, e in events
            ],
        }

    def export_case_file(
        self: Registry, principal: Principal, case_id: UUID, position: int | None = None
    ) -> tuple[bytes, dict[str, Any], WriteResult]:
        """Build the case file at ``position`` and record that it was exported, and by whom."""
        from registry.casefile.builder import build_case_file

        bundle = self.case_file_bundle(principal, case_id, position)
        archive, manifest_sha256 = build_case_file(bundle)
        result = self._case_command(
            principal,
            case_id,
            None,
            lambda c: c.record_export(
                manifest_sha256=manifest_sha256,
                position=bundle["position"],
                actor=principal.as_actor(),
            ),
            roles=("court", "regulator"),
        )
        return archive, {"manifest_sha256": manifest_sha256, "position": bundle["position"]}, result


def case_view(case: RefundCase) -> dict[str, Any]:
    return {
        "id": str(case.id),
        "institution_id": str(case.institution_id),
        "district_code": case.district_code,
        "contract_ids": [str(c) for c in case.contract_ids],
        "claimant_name": case.claimant_name,
        "claimant_phone": case.claimant_phone,
        "source": case.source,
        "claim_fen": case.claim_fen,
        "status": case.status,
        "evidence": list(case.evidence),
        "assessment": case.assessment,
        "assessed_fen": case.assessment["assessed_fen"] if case.assessment else None,
        "mediation": case.mediation,
        "referral": case.referral,
        "judgment": case.judgment,
        "payments": list(case.payments),
        "paid_fen": case.paid_fen,
        "exports": list(case.exports),
        "closure": case.closure,
        "opened_at": case.created_on.isoformat(),
        "version": case.version,
    }
