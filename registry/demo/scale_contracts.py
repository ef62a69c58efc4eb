"""The prepaid contracts families sign with a generated institution, and what becomes of them.

Fees, lessons, escrow releases and the odd refund, drawn from the institution's own generator
(so they are part of its life, the same on every run) and written through the contract's own
commands; a few break the rules on purpose (a charge for more than three months or outside
the supervised account, a lesson ending after 20:30), as real feeds would report them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from eventsourcing.domain import Aggregate

from registry.demo.scale_identity import AS_OF, Draws
from registry.domain.calendar import DEFAULT_CALENDAR, SchoolCalendar
from registry.domain.clock import SHANGHAI
from registry.domain.contract import TrainingContract
from registry.domain.fee_span import add_months
from registry.domain.institution import Institution
from registry.domain.roster import ContractRoster, pupil_key
from registry.domain.vocabulary import Actor

# The calendar a district's lessons are judged by (``Calendars.lookup``).
CalendarOf = Callable[[str], SchoolCalendar]


class Families:
    """Families signing up with one institution: contracts, fees, lessons, releases, refunds."""

    def __init__(
        self,
        draws: Draws,
        pupils: str,
        mean: int,
        actor: Actor,
        school_calendar: CalendarOf | None = None,
    ) -> None:
        self.draws, self.rng = draws, draws.rng
        self.pupils = pupils  # how the pupils' references begin: S{seed}-{n}
        self.mean = mean
        self.actor = actor
        # Without the recorded calendars, lessons are judged on weekends alone.
        self.school_calendar = school_calendar or (lambda _district: DEFAULT_CALENDAR)

    def sign_up(self, inst: Institution, since: date) -> list[Aggregate]:
        """The institution's contracts and its roster; about ``mean`` of them."""
        mean = self.mean
        count = self.rng.randint(0, 2 * mean) if mean else 0
        if count == 0:
            return []
        roster = ContractRoster(institution_id=inst.id)
        made: list[Aggregate] = []
        for k in range(count):
            contract = self.contract(inst, since, k)
            roster.enrol(contract.id, pupil_key(inst.id, contract.terms["pupil_ref"]))
            made.append(contract)
        return [*made, roster]

    def contract(self, inst: Institution, since: date, k: int) -> TrainingContract:
        rng, actor, d = self.rng, self.actor, self.draws
        start = d.day_between(max(since, date(2025, 3, 1)), AS_OF - timedelta(days=45))
        months = 3 if rng.random() > 0.03 else rng.choice((4, 6))  # beyond the rules: > 3 months
        end = start + timedelta(days=30 * months)
        lessons = rng.choice((12, 16, 20, 24, 30, 40)) if months == 3 else 48
        # Within the rules one charge is at most ¥5,000 (500,000 fen).
        prices = [
            p for p in (6_000, 8_000, 9_000, 12_000, 15_000, 20_000) if p * lessons <= 500_000
        ]
        price = rng.choice(prices or [6_000])
        if rng.random() < 0.01:
            lessons, price = 80, 8_000  # over 60 lessons and ¥5,000 in one charge
        offline = inst.delivery == "offline"
        contract = TrainingContract.sign(
            institution_id=inst.id,
            district_code=inst.district_code,
            category=inst.category,
            pupil_ref=f"{self.pupils}-{k}",
            guardian_name=d.person(),
            guardian_phone=f"1{rng.choice('3578')}{d.digits(9)}",
            course=rng.choice(inst.subjects) + rng.choice(("基础班", "提高班", "集训营", "兴趣班")),
            paid_lessons=lessons,
            gift_lessons=rng.choice((0, 0, 2, 4)),
            price_per_lesson_fen=price,
            start_date=start,
            end_date=end,
            supervision_mode=inst.supervision["mode"] if inst.supervision else None,
            actor=actor,
        )
        paid_at = datetime.combine(start - timedelta(days=rng.randint(0, 7)), time(19), SHANGHAI)
        contract.collect_fee(
            amount_fen=lessons * price,
            paid_at=paid_at,
            channel=rng.choice(("bank_transfer", "wechat_pay", "alipay", "pos")),
            into_supervised_account=rng.random() > 0.03,  # beyond the rules: outside it
            lessons_covered=lessons,
            # Within the rules a charge covers at most three months from the day it is paid.
            covers_until=end - timedelta(days=1)
            if months > 3
            else min(end, add_months(paid_at.date(), 3)) - timedelta(days=1),
            institution={"status": "licensed", "supervision": inst.supervision},
            actor=actor,
        )
        sessions = rng.randint(0, min(4, lessons // 2))
        academic = inst.category == "academic"
        hour = 18 if academic else rng.choice((9, 10, 14, 16, 18)) if offline else 19
        first = start + timedelta(days=(7 - start.weekday()) % 7 if academic else 0)  # a Monday
        length = timedelta(minutes=90 if offline else 60)
        for week in range(sessions):
            when = datetime.combine(first + timedelta(days=7 * week), time(hour), SHANGHAI)
            late = rng.random() < 0.03  # beyond the rules: ends after 20:30
            if late:
                when = datetime.combine(when.date(), time(19, 30), SHANGHAI)
            contract.consume_lessons(
                lessons=2,
                starts_at=when,
                ends_at=when + length,
                delivery="offline" if offline else "online",
                actor=actor,
                school_calendar=self.school_calendar(inst.district_code),
            )
        if sessions and rng.random() < 0.5:
            contract.release_escrow(amount_fen=int(contract.consumed_value_fen), actor=actor)
        if rng.random() < 0.04:
            refund = contract.unconsumed_fen
            if refund > 0:
                contract.refund(
                    amount_fen=refund,
                    paid_at=paid_at + timedelta(days=rng.randint(20, 40)),
                    actor=actor,
                )
                contract.terminate(
                    by="guardian",
                    reason="孩子课业安排调整，申请退费",
                    terminated_on=(paid_at + timedelta(days=40)).date(),
                    actor=actor,
                )
        return contract
