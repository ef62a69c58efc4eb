"""Institution commands: what the district bureaus decide about the institutions they oversee.

Each handler turns a typed command into the aggregate's own command; the core loads the
institution, checks the district and the expected version, and saves. Only regulators of the
institution's district (and admins) decide about it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar
from uuid import UUID, uuid4

from registry.application.core import Change, Context, Create, Handler
from registry.application.store import EventStore
from registry.domain.commands import InstitutionCommand
from registry.domain.commands import institutions as cmd
from registry.domain.dating import check_command_dates
from registry.domain.errors import NotFound
from registry.domain.institution import Institution
from registry.domain.vocabulary import Actor

REGULATORS = ("regulator",)

C = TypeVar("C", bound=InstitutionCommand)
Run = Callable[[Institution, C, Context], None]


def new_institution(
    c: cmd.RegisterInstitution, *, registered_on: date, actor: Actor
) -> Institution:
    """The institution a registration enters (its rules checked by ``Institution.register``)."""
    return Institution.register(
        name=c.name,
        credit_code=c.credit_code,
        district_code=c.district_code,
        address=c.address,
        category=c.category,
        subjects=list(c.subjects),
        delivery=c.delivery,
        legal_form=c.legal_form,
        legal_representative=c.legal_representative,
        icp_number=c.icp_number,
        successor_of=c.successor_of,
        registered_on=registered_on,
        actor=actor,
    )


def handlers(
    store: EventStore,
    open_contracts: Callable[[UUID], int],
    freeze_contracts: Callable[[], None],
    version_at: Callable[[UUID, int], int | None],
) -> dict[type[Any], Handler[Any]]:
    """The institution commands. ``open_contracts`` counts an institution's contracts still
    owing (conversion waits for none); ``freeze_contracts`` runs after a cessation;
    ``version_at`` finds which of an institution's events sits at a log position.

    Every effective date a command carries is checked against the bounds first."""
    table: dict[type[Any], Handler[Any]] = {}

    def on(kind: type[C]) -> Callable[[Run[C]], Run[C]]:
        def register(run: Run[C]) -> Run[C]:
            def dated(i: Institution, c: C, ctx: Context) -> None:
                check_command_dates(c, ctx.today)
                run(i, c, ctx)

            table[kind] = Change(store, Institution, "institution", REGULATORS, dated)
            return run

        return register

    def register(c: cmd.RegisterInstitution, ctx: Context) -> Institution:
        ctx.authorise(REGULATORS, c.district_code)
        check_command_dates(c, ctx.today)
        if c.successor_of is not None:
            predecessor = ctx.load(Institution, c.successor_of, "predecessor institution")
            ctx.authorise(REGULATORS, predecessor.district_code)
        return new_institution(c, registered_on=c.registered_on or ctx.today, actor=ctx.actor)

    table[cmd.RegisterInstitution] = Create(
        store, register, conflict=lambda i: f"credit code {i.credit_code} is already registered"
    )

    @on(cmd.IssueLicence)
    def issue_licence(i: Institution, c: cmd.IssueLicence, ctx: Context) -> None:
        i.issue_licence(
            licence_no=c.licence_no,
            approving_authority=c.approving_authority,
            valid_from=c.valid_from,
            valid_to=c.valid_to,
            actor=ctx.actor,
        )

    @on(cmd.RenewLicence)
    def renew_licence(i: Institution, c: cmd.RenewLicence, ctx: Context) -> None:
        i.renew_licence(valid_to=c.valid_to, renewed_on=c.renewed_on or ctx.today, actor=ctx.actor)

    @on(cmd.FileStaffMember)
    def file_staff_member(i: Institution, c: cmd.FileStaffMember, ctx: Context) -> None:
        i.file_staff_member(
            name=c.name,
            role=c.role,
            qualification=c.qualification,
            certificate_no=c.certificate_no,
            serving_school_teacher=c.serving_school_teacher,
            actor=ctx.actor,
        )

    @on(cmd.EstablishFundSupervision)
    def establish_supervision(
        i: Institution, c: cmd.EstablishFundSupervision, ctx: Context
    ) -> None:
        i.establish_fund_supervision(
            mode=c.mode,
            bank=c.bank,
            account_no=c.account_no,
            agreement_no=c.agreement_no,
            reserve_fen=c.reserve_fen,
            established_on=c.established_on or ctx.today,
            actor=ctx.actor,
        )

    @on(cmd.EndFundSupervision)
    def end_supervision(i: Institution, c: cmd.EndFundSupervision, ctx: Context) -> None:
        i.end_fund_supervision(ended_on=c.ended_on or ctx.today, reason=c.reason, actor=ctx.actor)

    @on(cmd.RecordInspection)
    def record_inspection(i: Institution, c: cmd.RecordInspection, ctx: Context) -> None:
        inspection_id = str(uuid4())
        i.record_inspection(
            inspection_id=inspection_id,
            inspected_on=c.inspected_on,
            kind=c.kind,
            inspectors=list(c.inspectors),
            findings=[
                {"code": f["code"], "description": f["description"], "severity": f["severity"]}
                for f in c.findings
            ],
            result=c.result,
            actor=ctx.actor,
        )
        ctx.extra["inspection_id"] = inspection_id

    @on(cmd.OrderRectification)
    def order_rectification(i: Institution, c: cmd.OrderRectification, ctx: Context) -> None:
        order_id = str(uuid4())
        i.order_rectification(
            order_id=order_id,
            inspection_id=c.inspection_id,
            items=list(c.items),
            issued_on=c.issued_on or ctx.today,
            deadline=c.deadline,
            actor=ctx.actor,
        )
        ctx.extra["order_id"] = order_id

    @on(cmd.VerifyRectification)
    def verify_rectification(i: Institution, c: cmd.VerifyRectification, ctx: Context) -> None:
        i.verify_rectification(
            order_id=c.order_id, verified_on=c.verified_on, outcome=c.outcome, actor=ctx.actor
        )

    @on(cmd.SuspendEnrolment)
    def suspend_enrolment(i: Institution, c: cmd.SuspendEnrolment, ctx: Context) -> None:
        i.suspend_enrolment(
            decision_no=c.decision_no,
            reason=c.reason,
            effective_from=c.effective_from,
            actor=ctx.actor,
        )

    @on(cmd.LiftSuspension)
    def lift_suspension(i: Institution, c: cmd.LiftSuspension, ctx: Context) -> None:
        i.lift_suspension(
            decision_no=c.decision_no, lifted_on=c.lifted_on, today=ctx.today, actor=ctx.actor
        )

    @on(cmd.ImposePenalty)
    def impose_penalty(i: Institution, c: cmd.ImposePenalty, ctx: Context) -> None:
        i.impose_penalty(
            decision_no=c.decision_no,
            kinds=list(c.kinds),
            fine_fen=c.fine_fen,
            illegal_gains_fen=c.illegal_gains_fen,
            decided_on=c.decided_on,
            actor=ctx.actor,
        )

    @on(cmd.RevokeLicence)
    def revoke_licence(i: Institution, c: cmd.RevokeLicence, ctx: Context) -> None:
        i.revoke_licence(
            decision_no=c.decision_no,
            reason=c.reason,
            notice_served_on=c.notice_served_on,
            effective_on=c.effective_on,
            actor=ctx.actor,
        )

    @on(cmd.StartConversion)
    def start_conversion(i: Institution, c: cmd.StartConversion, ctx: Context) -> None:
        i.start_conversion(
            started_on=c.started_on,
            planned_successor_name=c.planned_successor_name,
            actor=ctx.actor,
        )

    @on(cmd.CompleteConversion)
    def complete_conversion(i: Institution, c: cmd.CompleteConversion, ctx: Context) -> None:
        successor = ctx.load(Institution, c.successor_id, "successor institution")
        ctx.authorise(REGULATORS, successor.district_code)
        i.complete_conversion(
            successor=successor,
            open_contracts=open_contracts(i.id),
            completed_on=c.completed_on,
            actor=ctx.actor,
        )

    @on(cmd.AbandonConversion)
    def abandon_conversion(i: Institution, c: cmd.AbandonConversion, ctx: Context) -> None:
        i.abandon_conversion(abandoned_on=c.abandoned_on, reason=c.reason, actor=ctx.actor)

    @on(cmd.CeaseOperations)
    def cease_operations(i: Institution, c: cmd.CeaseOperations, ctx: Context) -> None:
        i.cease_operations(kind=c.kind, ceased_on=c.ceased_on, reason=c.reason, actor=ctx.actor)
        # An abnormal cessation freezes the open contracts straight away.
        ctx.after_save.append(freeze_contracts)

    @on(cmd.Blacklist)
    def blacklist(i: Institution, c: cmd.Blacklist, ctx: Context) -> None:
        i.blacklist(
            reasons=list(c.reasons),
            decision_no=c.decision_no,
            listed_on=c.listed_on or ctx.today,
            actor=ctx.actor,
        )

    @on(cmd.RemoveFromBlacklist)
    def remove_from_blacklist(i: Institution, c: cmd.RemoveFromBlacklist, ctx: Context) -> None:
        i.remove_from_blacklist(
            decision_no=c.decision_no, removed_on=c.removed_on or ctx.today, actor=ctx.actor
        )

    @on(cmd.Deregister)
    def deregister(i: Institution, c: cmd.Deregister, ctx: Context) -> None:
        i.deregister(deregistered_on=c.deregistered_on, reason=c.reason, actor=ctx.actor)

    @on(cmd.AnnulDecision)
    def annul_decision(i: Institution, c: cmd.AnnulDecision, ctx: Context) -> None:
        version = version_at(i.id, c.position)
        if version is None:
            raise NotFound(f"no event of institution {i.id} at position {c.position}")
        i.annul_decision(
            version=version,
            decision_no=c.decision_no,
            annulled_on=c.annulled_on or ctx.today,
            reason=c.reason,
            actor=ctx.actor,
        )

    return table
