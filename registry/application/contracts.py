"""Contract commands: the facts feeds (banks, platforms) and regulators report.

The contract stream keeps the money rules; the institution's state at the moment of a payment
is read here and handed to the contract, which flags what it breaks. Feeds and regulators of
the institution's district report; a court only reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from registry.application.core import Change, Context, Create, Handler
from registry.application.rosters import enrol, lessons_of_pupil_elsewhere
from registry.application.store import EventStore
from registry.domain import rules
from registry.domain.calendar import SchoolCalendar
from registry.domain.clock import SHANGHAI
from registry.domain.commands import ContractCommand
from registry.domain.commands import contracts as cmd
from registry.domain.contract import TrainingContract
from registry.domain.enrolment import in_force_on
from registry.domain.errors import RuleViolation
from registry.domain.institution import Institution
from registry.domain.vocabulary import InstitutionStatus

CONTRACT_ROLES = ("feed", "regulator")

C = TypeVar("C", bound=ContractCommand)
Run = Callable[[TrainingContract, C, Context], None]


def handlers(
    store: EventStore, school_calendar: Callable[[str], SchoolCalendar]
) -> dict[type[Any], Handler[Any]]:
    """The contract commands; ``school_calendar`` gives a district's calendar as recorded."""
    table: dict[type[Any], Handler[Any]] = {}

    def on(kind: type[C], roles: tuple[str, ...] = CONTRACT_ROLES) -> Callable[[Run[C]], Run[C]]:
        def register(run: Run[C]) -> Run[C]:
            table[kind] = Change(store, TrainingContract, "contract", roles, run)
            return run

        return register

    def sign(c: cmd.SignContract, ctx: Context) -> TrainingContract:
        inst = store.find(Institution, c.institution_id)
        if inst is None:
            raise RuleViolation(
                rules.CONTRACT_INSTITUTION_KNOWN.id, f"no registered institution {c.institution_id}"
            )
        ctx.authorise(CONTRACT_ROLES, inst.district_code)
        if inst.status == InstitutionStatus.DEREGISTERED:
            raise RuleViolation(
                rules.CONTRACT_INSTITUTION_ACTIVE.id, "the institution is deregistered"
            )
        contract = TrainingContract.sign(
            institution=in_force_on(inst, ctx.today),
            signed_on=ctx.today,
            institution_id=inst.id,
            district_code=inst.district_code,
            category=inst.category,
            supervision_mode=inst.supervision["mode"] if inst.supervision else None,
            pupil_ref=c.pupil_ref,
            guardian_name=c.guardian_name,
            guardian_phone=c.guardian_phone,
            course=c.course,
            paid_lessons=c.paid_lessons,
            gift_lessons=c.gift_lessons,
            price_per_lesson_fen=c.price_per_lesson_fen,
            start_date=c.start_date,
            end_date=c.end_date,
            actor=ctx.actor,
        )
        ctx.also_save.append(enrol(store, contract))
        return contract

    # Another contract may join the roster first: read it again, up to five times.
    table[cmd.SignContract] = Create(
        store,
        sign,
        attempts=5,
        conflict=lambda _: "the institution's contract roster is busy; retry the request",
    )

    @on(cmd.RecordPayment)
    def record_payment(t: TrainingContract, c: cmd.RecordPayment, ctx: Context) -> None:
        inst = ctx.load(Institution, t.institution_id, "institution")
        paid_on = c.paid_at.astimezone(SHANGHAI).date()
        t.collect_fee(
            amount_fen=c.amount_fen,
            paid_at=c.paid_at,
            channel=c.channel,
            into_supervised_account=c.into_supervised_account,
            lessons_covered=c.lessons_covered,
            gift_lessons=c.gift_lessons,
            covers_until=c.covers_until,
            covers_from=c.covers_from,
            institution=in_force_on(inst, paid_on),
            lessons_elsewhere=lessons_of_pupil_elsewhere(store, t),
            actor=ctx.actor,
        )

    @on(cmd.RecordConsumption)
    def record_consumption(t: TrainingContract, c: cmd.RecordConsumption, ctx: Context) -> None:
        t.consume_lessons(
            lessons=c.lessons,
            starts_at=c.starts_at,
            ends_at=c.ends_at,
            delivery=c.delivery,
            actor=ctx.actor,
            school_calendar=school_calendar(t.district_code),
        )

    @on(cmd.ReleaseEscrow)
    def release_escrow(t: TrainingContract, c: cmd.ReleaseEscrow, ctx: Context) -> None:
        t.release_escrow(amount_fen=c.amount_fen, actor=ctx.actor)

    @on(cmd.RecordRefund)
    def record_refund(t: TrainingContract, c: cmd.RecordRefund, ctx: Context) -> None:
        t.refund(amount_fen=c.amount_fen, paid_at=c.paid_at, actor=ctx.actor)

    @on(cmd.TerminateContract)
    def terminate(t: TrainingContract, c: cmd.TerminateContract, ctx: Context) -> None:
        t.terminate(by=c.by, reason=c.reason, terminated_on=c.terminated_on, actor=ctx.actor)

    @on(cmd.CompleteContract)
    def complete(t: TrainingContract, c: cmd.CompleteContract, ctx: Context) -> None:
        t.complete(completed_on=c.completed_on, actor=ctx.actor)

    @on(cmd.TransferContract, roles=("regulator",))
    def transfer(t: TrainingContract, c: cmd.TransferContract, ctx: Context) -> None:
        """Hand a converting institution's contract to its registered non-profit successor."""
        predecessor = ctx.load(Institution, t.institution_id, "institution")
        successor = ctx.load(Institution, c.successor_id, "successor institution")
        ctx.authorise(("regulator",), successor.district_code)
        if predecessor.status != InstitutionStatus.CONVERTING or successor.successor_of != str(
            predecessor.id
        ):
            raise RuleViolation(
                rules.CONTRACT_TRANSFER.id,
                "contracts pass only from a converting institution to its registered successor",
            )
        t.transfer_to(
            successor_id=successor.id,
            successor_district=successor.district_code,
            transferred_on=c.transferred_on,
            actor=ctx.actor,
        )
        ctx.also_save.append(enrol(store, t))

    return table
