"""The TrainingContract aggregate: one prepaid ledger per contract (fees, lessons, escrow, refunds).

Feeds and regulators report facts. A fact that cannot be true (more lessons than bought, more
released than consumed) is refused; a fact that happened against the rules (a charge over three
months, a lesson on a Sunday) is recorded and a ``ComplianceBreachDetected`` event names the rule.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from registry.domain import contract_events
from registry.domain.calendar import DEFAULT_CALENDAR, SchoolCalendar
from registry.domain.contract_checks import Breach, lesson_breaches, payment_breaches
from registry.domain.contract_ledger import (
    CLOSED,
    ContractTerms,
    PrepaidLedger,
    refuse_impossible_terms,
)
from registry.domain.enrolment import enrolment_breaches
from registry.domain.rules import DEFAULT_RULE_PACK, RulePack, require_positive
from registry.domain.vocabulary import Actor, ContractStatus


class TrainingContract(PrepaidLedger, Aggregate):
    """A family's prepaid training contract with one institution (校外培训服务合同)."""

    # The events of the contract stream (declared in ``contract_events``; stored under this
    # class's name, e.g. ``registry.domain.contract:TrainingContract.PrepaidFeeCollected``).
    ContractSigned = contract_events.ContractSigned
    ComplianceBreachDetected = contract_events.ComplianceBreachDetected
    PrepaidFeeCollected = contract_events.PrepaidFeeCollected
    LessonsConsumed = contract_events.LessonsConsumed
    EscrowReleased = contract_events.EscrowReleased
    PrepaidRefunded = contract_events.PrepaidRefunded
    ContractFrozen = contract_events.ContractFrozen
    ContractTerminated = contract_events.ContractTerminated
    ContractCompleted = contract_events.ContractCompleted
    PrepaidLiabilitiesTransferred = contract_events.PrepaidLiabilitiesTransferred
    ContractDisputed = contract_events.ContractDisputed
    DisputeClosed = contract_events.DisputeClosed

    @classmethod
    def sign(
        cls,
        *,
        institution_id: UUID,
        district_code: str,
        category: str,
        pupil_ref: str,
        guardian_name: str,
        guardian_phone: str,
        course: str,
        paid_lessons: int,
        gift_lessons: int,
        price_per_lesson_fen: int,
        start_date: date,
        end_date: date,
        supervision_mode: str | None,
        actor: Actor,
        institution: dict[str, Any] | None = None,
        signed_on: date | None = None,
        pack: RulePack = DEFAULT_RULE_PACK,
    ) -> TrainingContract:
        """A feed or regulator reports a signed contract of an institution of its district.

        ``institution`` is what was in force on ``signed_on`` (``enrolment.in_force_on``): a
        contract the institution could not enrol is recorded and flagged."""
        refuse_impossible_terms(
            paid_lessons, gift_lessons, price_per_lesson_fen, start_date, end_date
        )
        contract = cls._create(
            cls.ContractSigned,
            id=uuid4(),
            institution_id=str(institution_id),
            district_code=district_code,
            category=category,
            pupil_ref=pupil_ref,
            guardian_name=guardian_name,
            guardian_phone=guardian_phone,
            course=course,
            paid_lessons=paid_lessons,
            gift_lessons=gift_lessons,
            price_per_lesson_fen=price_per_lesson_fen,
            start_date=start_date.isoformat(),
            end_date=end_date.isoformat(),
            supervision_mode=supervision_mode,
            actor=actor,
        )
        if institution is not None and signed_on is not None:
            contract._flag(enrolment_breaches(institution, signed_on), pack, actor)
        return contract

    @event(ContractSigned)
    def __init__(
        self,
        institution_id: str,
        district_code: str,
        category: str,
        pupil_ref: str,
        guardian_name: str,
        guardian_phone: str,
        course: str,
        paid_lessons: int,
        gift_lessons: int,
        price_per_lesson_fen: int,
        start_date: str,
        end_date: str,
        supervision_mode: str | None,
        actor: Actor,
    ) -> None:
        self.terms = ContractTerms(
            institution_id=institution_id,
            category=category,
            pupil_ref=pupil_ref,
            guardian_name=guardian_name,
            guardian_phone=guardian_phone,
            course=course,
            paid_lessons=paid_lessons,
            gift_lessons=gift_lessons,
            price_per_lesson_fen=price_per_lesson_fen,
            start_date=start_date,
            end_date=end_date,
            supervision_mode=supervision_mode,
        )
        self.institution_id = UUID(institution_id)
        self.district_code = district_code
        self.status: ContractStatus = ContractStatus.SIGNED
        self.disputed = False
        self.dispute_case_id: str | None = None
        self.paid_fen = 0
        self.consumed_lessons = 0
        self.released_fen = 0
        self.refunded_fen = 0
        self.lessons_charged = 0
        self.payments: list[dict[str, Any]] = []
        self.breaches: list[dict[str, Any]] = []
        self.transfers: list[dict[str, Any]] = []

    def _flag(self, breaches: list[Breach], pack: RulePack, actor: Actor) -> None:
        """Record each breach of the fact just recorded, by the one who reported the fact."""
        fact_version = self.version
        for rule, detail in breaches:
            self._breach_detected(
                rule=rule.id,
                rule_version=pack.version,
                detail=detail,
                event_version=fact_version,
                actor=actor,
            )

    @event(ComplianceBreachDetected)
    def _breach_detected(
        self,
        rule: str,
        rule_version: str,
        detail: str,
        event_version: int,
        actor: Actor | None = None,
    ) -> None:
        breach = {"rule": rule, "rule_version": rule_version, "detail": detail}
        self.breaches.append({**breach, "event_version": event_version})

    # -- facts from feeds --------------------------------------------------------------------

    def collect_fee(
        self,
        *,
        amount_fen: int,
        paid_at: datetime,
        channel: str,
        into_supervised_account: bool,
        lessons_covered: int | None,
        covers_until: date | None,
        institution: dict[str, Any],
        actor: Actor,
        gift_lessons: int | None = None,
        covers_from: date | None = None,
        lessons_elsewhere: int = 0,
        pack: RulePack = DEFAULT_RULE_PACK,
    ) -> None:
        """A bank or platform reports prepaid fees collected (预收费); breaches are flagged.

        The charge buys a block of lessons (``charge_of``) for a period (``fee_span``). The
        pupil's ``lessons_elsewhere`` (paid, untaught, on overlapping contracts) count too."""
        covered, gifts, span = self.charge_of(
            amount_fen, lessons_covered, gift_lessons, paid_at, covers_from, covers_until
        )
        self._refuse_if_closed()
        breaches = payment_breaches(
            amount_fen=amount_fen,
            paid_at=paid_at,
            span=span,
            lessons_covered=covered,
            outstanding_lessons=self.outstanding_lessons,
            outstanding_elsewhere=lessons_elsewhere,
            into_supervised_account=into_supervised_account,
            institution=institution,
            pack=pack,
        )
        self._fee_collected(
            payment_id=str(uuid4()),
            amount_fen=amount_fen,
            paid_at=paid_at.isoformat(),
            channel=channel,
            into_supervised_account=into_supervised_account,
            lessons_covered=covered,
            covers_until=covers_until.isoformat() if covers_until else None,
            gift_lessons=gifts,
            covers_from=covers_from.isoformat() if covers_from else None,
            actor=actor,
        )
        self._flag(breaches, pack, actor)

    @event(PrepaidFeeCollected)
    def _fee_collected(
        self,
        payment_id: str,
        amount_fen: int,
        paid_at: str,
        channel: str,
        into_supervised_account: bool,
        lessons_covered: int,
        covers_until: str | None,
        actor: Actor,
        gift_lessons: int | None = None,
        covers_from: str | None = None,
    ) -> None:
        self._add_charge(
            {
                "payment_id": payment_id,
                "amount_fen": amount_fen,
                "paid_at": paid_at,
                "channel": channel,
                "into_supervised_account": into_supervised_account,
                "lessons_covered": lessons_covered,
                "gift_lessons": gift_lessons,
                "covers_from": covers_from,
                "covers_until": covers_until,
            }
        )

    def consume_lessons(
        self,
        *,
        lessons: int,
        starts_at: datetime,
        ends_at: datetime,
        delivery: str,
        actor: Actor,
        pack: RulePack = DEFAULT_RULE_PACK,
        school_calendar: SchoolCalendar = DEFAULT_CALENDAR,
    ) -> None:
        """Lessons taught and signed in (消课), never more than bought; judged by the calendar."""
        self.refuse_impossible_session(lessons, starts_at, ends_at)
        self._refuse_if_closed()
        self.refuse_consumption_beyond_purchase(lessons)
        breaches = lesson_breaches(
            category=self.terms["category"],
            lessons=lessons,
            starts_at=starts_at,
            ends_at=ends_at,
            delivery=delivery,
            pack=pack,
            school_calendar=school_calendar,
        )
        self._lessons_consumed(
            lessons=lessons,
            starts_at=starts_at.isoformat(),
            ends_at=ends_at.isoformat(),
            delivery=delivery,
            actor=actor,
        )
        self._flag(breaches, pack, actor)

    @event(LessonsConsumed)
    def _lessons_consumed(
        self, lessons: int, starts_at: str, ends_at: str, delivery: str, actor: Actor
    ) -> None:
        self.consumed_lessons += lessons

    def release_escrow(self, *, amount_fen: int, actor: Actor) -> None:
        """The custody bank pays the institution for lessons already taught (消拨同步)."""
        self.refuse_release_beyond_taught(amount_fen)
        self._escrow_released(amount_fen=amount_fen, actor=actor)

    @event(EscrowReleased)
    def _escrow_released(self, amount_fen: int, actor: Actor) -> None:
        self.released_fen += amount_fen

    def refund(
        self, *, amount_fen: int, paid_at: datetime, actor: Actor, refund_case_id: str | None = None
    ) -> None:
        """Unconsumed fees are paid back to the family, also after termination or a freeze."""
        require_positive(amount_fen, "amount_fen")
        self.refuse_refund_beyond_unconsumed(amount_fen)
        self._refunded(
            amount_fen=amount_fen,
            paid_at=paid_at.isoformat(),
            refund_case_id=refund_case_id,
            actor=actor,
        )

    @event(PrepaidRefunded)
    def _refunded(
        self, amount_fen: int, paid_at: str, refund_case_id: str | None, actor: Actor
    ) -> None:
        self.refunded_fen += amount_fen

    # -- status ------------------------------------------------------------------------------

    def freeze(self, *, reason: str, frozen_on: date, cause: str, actor: Actor) -> bool:
        """Freeze an open contract (the institution ceased); False when there is nothing to do."""
        if self.status in CLOSED or self.status == ContractStatus.FROZEN:
            return False
        self._frozen(reason=reason, frozen_on=frozen_on.isoformat(), cause=cause, actor=actor)
        return True

    @event(ContractFrozen)
    def _frozen(self, reason: str, frozen_on: str, cause: str, actor: Actor) -> None:
        self.status = ContractStatus.FROZEN

    def terminate(self, *, by: str, reason: str, terminated_on: date, actor: Actor) -> None:
        """The contract ends early; what is unconsumed stays owed until refunded."""
        self._refuse_if_closed()
        self._terminated(by=by, reason=reason, terminated_on=terminated_on.isoformat(), actor=actor)

    @event(ContractTerminated)
    def _terminated(self, by: str, reason: str, terminated_on: str, actor: Actor) -> None:
        self.status = ContractStatus.TERMINATED

    def complete(self, *, completed_on: date, actor: Actor) -> None:
        """Every lesson paid for was taught or refunded."""
        self._refuse_if_closed()
        self.refuse_completion_while_owing()
        self._completed(completed_on=completed_on.isoformat(), actor=actor)

    @event(ContractCompleted)
    def _completed(self, completed_on: str, actor: Actor) -> None:
        self.status = ContractStatus.COMPLETED

    def transfer_to(
        self, *, successor_id: UUID, successor_district: str, transferred_on: date, actor: Actor
    ) -> None:
        """Conversion (营转非): the non-profit successor takes over this contract's liability."""
        self._refuse_if_closed()
        self._liabilities_transferred(
            from_institution_id=str(self.institution_id),
            to_institution_id=str(successor_id),
            to_district_code=successor_district,
            unconsumed_fen=self.unconsumed_fen,
            transferred_on=transferred_on.isoformat(),
            actor=actor,
        )

    @event(PrepaidLiabilitiesTransferred)
    def _liabilities_transferred(
        self,
        from_institution_id: str,
        to_institution_id: str,
        to_district_code: str,
        unconsumed_fen: int,
        transferred_on: str,
        actor: Actor,
    ) -> None:
        self.transfers.append(
            {"from": from_institution_id, "to": to_institution_id, "on": transferred_on}
        )
        self.institution_id = UUID(to_institution_id)
        self.district_code = to_district_code

    # -- disputes ----------------------------------------------------------------------------

    def open_dispute(self, *, case_id: UUID, actor: Actor) -> None:
        """A refund case opens over this contract; escrow release stops until it closes."""
        self.refuse_second_dispute()
        self._dispute_opened(case_id=str(case_id), actor=actor)

    @event(ContractDisputed)
    def _dispute_opened(self, case_id: str, actor: Actor) -> None:
        self.disputed = True
        self.dispute_case_id = case_id

    def close_dispute(self, *, case_id: UUID, outcome: str, actor: Actor) -> None:
        """The refund case over this contract closed or was withdrawn."""
        if self.dispute_case_id == str(case_id):
            self._dispute_closed(case_id=str(case_id), outcome=outcome, actor=actor)

    @event(DisputeClosed)
    def _dispute_closed(self, case_id: str, outcome: str, actor: Actor) -> None:
        self.disputed = False
        self.dispute_case_id = None
