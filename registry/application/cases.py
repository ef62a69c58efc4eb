"""Refund case commands: opening, evidence, assessment, mediation, court, payment, closure.

A case and the contracts it names are saved together: opening marks each contract disputed (so
no second case, and no escrow release), a refund payment records the matching
``PrepaidRefunded`` on the contracts, closing or withdrawing lifts the dispute. One atomic save
each time, so the two sides never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from fractions import Fraction
from typing import Any, TypeVar

from registry.application.core import Change, Context, Create, Handler
from registry.application.store import EventStore
from registry.domain import rules
from registry.domain.clock import SHANGHAI
from registry.domain.commands import CaseCommand
from registry.domain.commands import cases as cmd
from registry.domain.contract import TrainingContract
from registry.domain.errors import RuleViolation
from registry.domain.institution import Institution
from registry.domain.refund_case import RefundCase
from registry.domain.unconsumed import METHODS, round_fen

CASE_ROLES = ("regulator", "court")

C = TypeVar("C", bound=CaseCommand)
Run = Callable[[RefundCase, C, Context], None]


def case_contracts(ctx: Context, case: RefundCase) -> list[TrainingContract]:
    return [ctx.load(TrainingContract, c, "contract") for c in case.contract_ids]


def handlers(store: EventStore) -> dict[type[Any], Handler[Any]]:
    """The refund case commands."""
    table: dict[type[Any], Handler[Any]] = {}

    def on(kind: type[C], roles: tuple[str, ...] = CASE_ROLES) -> Callable[[Run[C]], Run[C]]:
        def register(run: Run[C]) -> Run[C]:
            table[kind] = Change(store, RefundCase, "refund case", roles, run)
            return run

        return register

    def open_case(c: cmd.OpenRefundCase, ctx: Context) -> RefundCase:
        """Open a dispute over contracts of one institution; each contract in one open case."""
        inst = ctx.load(Institution, c.institution_id, "institution")
        ctx.authorise(CASE_ROLES, inst.district_code)
        contracts = [ctx.load(TrainingContract, i, "contract") for i in c.contract_ids]
        strangers = [str(t.id) for t in contracts if t.institution_id != inst.id]
        if strangers:
            raise RuleViolation(
                rules.CASE_CONTRACTS.id,
                f"contract(s) {', '.join(strangers)} are not contracts of institution {inst.id}",
            )
        case = RefundCase.open(
            institution_id=inst.id,
            district_code=inst.district_code,
            contract_ids=list(c.contract_ids),
            claimant_name=c.claimant_name,
            claimant_phone=c.claimant_phone,
            source=c.source,
            claim_fen=c.claim_fen,
            actor=ctx.actor,
        )
        for contract in contracts:
            contract.open_dispute(case_id=case.id, actor=ctx.actor)
        ctx.also_save.extend(contracts)
        return case

    table[cmd.OpenRefundCase] = Create(store, open_case)

    @on(cmd.AttachEvidence)
    def attach_evidence(case: RefundCase, c: cmd.AttachEvidence, ctx: Context) -> None:
        ctx.extra["evidence_id"] = case.attach_evidence(
            kind=c.kind, description=c.description, sha256=c.sha256, actor=ctx.actor
        )

    @on(cmd.AssessRefundCase)
    def assess(case: RefundCase, c: cmd.AssessRefundCase, ctx: Context) -> None:
        """Compute the unconsumed amount over the case's contracts from their ledgers."""
        contracts = case_contracts(ctx, case)
        costs = c.irreversible_costs_fen
        totals = {
            m: sum((t.assess(m).unconsumed_fen for t in contracts), Fraction(0)) for m in METHODS
        }
        alternatives = {m: max(0, round_fen(total) - costs) for m, total in totals.items()}
        worksheets = [{"contract_id": str(t.id), **t.worksheet(c.method)} for t in contracts]
        case.record_assessment(
            amount_fen=alternatives[c.method],
            paid_less_refunded_fen=sum(t.paid_fen - t.refunded_fen for t in contracts),
            method=c.method,
            irreversible_costs_fen=costs,
            worksheets=worksheets,
            alternatives=alternatives,
            as_of_position=ctx.store.head(),
            actor=ctx.actor,
        )
        ctx.extra.update(
            assessed_fen=alternatives[c.method],
            method=c.method,
            alternatives=alternatives,
            worksheets=worksheets,
        )

    @on(cmd.RecordMediation, roles=("regulator",))
    def record_mediation(case: RefundCase, c: cmd.RecordMediation, ctx: Context) -> None:
        case.record_mediation(
            outcome=c.outcome, held_on=c.held_on, agreed_fen=c.agreed_fen, actor=ctx.actor
        )

    @on(cmd.ReferToCourt)
    def refer_to_court(case: RefundCase, c: cmd.ReferToCourt, ctx: Context) -> None:
        case.refer_to_court(court=c.court, referred_on=c.referred_on, actor=ctx.actor)

    @on(cmd.RecordJudgment, roles=("court",))
    def record_judgment(case: RefundCase, c: cmd.RecordJudgment, ctx: Context) -> None:
        case.record_judgment(
            court_case_no=c.court_case_no,
            awarded_fen=c.awarded_fen,
            judged_on=c.judged_on,
            actor=ctx.actor,
        )

    @on(cmd.PayRefund)
    def pay_refund(case: RefundCase, c: cmd.PayRefund, ctx: Context) -> None:
        """A refund paid on the case; the contracts record it as PrepaidRefunded, in one save."""
        contracts = case_contracts(ctx, case)
        allocations: dict[str, int] = {}
        left = c.amount_fen
        for contract in contracts:
            share = min(left, contract.unconsumed_fen)
            if share > 0:
                allocations[str(contract.id)] = share
                left -= share
        case.pay(
            amount_fen=c.amount_fen,
            paid_on=c.paid_on,
            source=c.source,
            allocations=allocations,
            actor=ctx.actor,
        )
        paid_at = datetime.combine(c.paid_on, time(12), tzinfo=SHANGHAI)
        for contract in contracts:
            share = allocations.get(str(contract.id), 0)
            if share:
                contract.refund(
                    amount_fen=share, paid_at=paid_at, refund_case_id=str(case.id), actor=ctx.actor
                )
                ctx.also_save.append(contract)

    def end_dispute(case: RefundCase, ctx: Context) -> None:
        """A closed or withdrawn case lifts the dispute from its contracts."""
        for contract in case_contracts(ctx, case):
            contract.close_dispute(case_id=case.id, outcome=case.status, actor=ctx.actor)
            ctx.also_save.append(contract)

    @on(cmd.CloseRefundCase)
    def close(case: RefundCase, c: cmd.CloseRefundCase, ctx: Context) -> None:
        case.close(outcome=c.outcome, actor=ctx.actor)
        end_dispute(case, ctx)

    @on(cmd.WithdrawRefundCase)
    def withdraw(case: RefundCase, c: cmd.WithdrawRefundCase, ctx: Context) -> None:
        case.withdraw(reason=c.reason, actor=ctx.actor)
        end_dispute(case, ctx)

    @on(cmd.RecordCaseFileExport, roles=("court", "regulator"))
    def record_export(case: RefundCase, c: cmd.RecordCaseFileExport, ctx: Context) -> None:
        case.record_export(manifest_sha256=c.manifest_sha256, position=c.position, actor=ctx.actor)

    return table
