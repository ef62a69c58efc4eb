"""The prepaid contract ledger (TrainingContract): a fact against the rules is recorded, flagged.

A charge over three months, an academic lesson on a Saturday, an online lesson after nine in
the evening: the fact happened, so it is recorded all the same, and a
``ComplianceBreachDetected`` names the rule and the rule pack version that judged it.
No I/O: contracts are built through their own commands.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from registry.domain.calendar import DEFAULT_CALENDAR, SchoolCalendar, days_between
from registry.domain.clock import SHANGHAI
from registry.domain.contract_checks import lesson_breaches
from tests.builders.contracts import (
    OPERATING_UNDER_CUSTODY,
    PAID_IN_FULL_FEN,
    collect,
    consume,
    paid,
    shanghai,
    signed,
)
from tests.builders.principals import BANK_FEED

RULE_PACK_VERSION = "2025.1"

# Part of the State Council's 2026 holiday notice, as the recorded calendar gives it.
STATE_COUNCIL_2026 = SchoolCalendar(
    holidays=days_between(date(2026, 2, 15), date(2026, 2, 23))
    | days_between(date(2026, 10, 1), date(2026, 10, 7)),
    workdays=frozenset({date(2026, 2, 14), date(2026, 2, 28)}),
)


def names(events: list[Any]) -> list[str]:
    return [type(e).__name__ for e in events]


def breaches(events: list[Any]) -> list[Any]:
    return [e for e in events if type(e).__name__ == "ComplianceBreachDetected"]


def assert_flagged(events: list[Any], fact: str, rule: str, flagged: bool) -> None:
    """The fact is recorded first; ``rule`` is flagged on it (and nothing else) or not at all."""
    assert names(events)[0] == fact
    found = breaches(events)
    if not flagged:
        assert [b.rule for b in found] == []
        return
    assert [b.rule for b in found] == [rule]
    (breach,) = found
    assert breach.rule_version == RULE_PACK_VERSION
    assert breach.event_version == events[0].originator_version
    assert breach.detail


# -- flags on fees collected -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("covers_until", "flagged"),
    [(date(2026, 6, 2), True), (date(2026, 6, 1), False), (None, False)],
    ids=["until-06-02", "until-06-01", "no-end-date"],
)
def test_a_charge_covering_more_than_three_calendar_months_is_recorded_and_flagged(
    covers_until: date | None, flagged: bool
) -> None:
    # The term starts on 03-02 (paid the day before): its third month ends on 06-01.
    contract = signed()

    collect(contract, paid_at=shanghai("2026-03-01", "10:00"), covers_until=covers_until)

    assert_flagged(contract.collect_events(), "PrepaidFeeCollected", "prepaid.max_months", flagged)
    assert contract.paid_fen == PAID_IN_FULL_FEN


@pytest.mark.parametrize(
    ("charges", "flags"),
    [([61], [True]), ([60], [False]), ([40, 40], [False, True])],
    ids=["61-in-one-charge", "60-in-one-charge", "40-then-40-none-consumed"],
)
def test_a_charge_for_more_than_sixty_lessons_is_recorded_and_flagged(
    charges: list[int], flags: list[bool]
) -> None:
    # Still-unconsumed lessons of earlier charges count: two charges of 40 are 80 outstanding.
    contract = signed(paid_lessons=100, gift_lessons=0, price_per_lesson_fen=5_000)

    for lessons, flagged in zip(charges, flags, strict=True):
        # Each charge says it pays from the term's start, so only the lesson count is at issue.
        collect(
            contract,
            amount_fen=lessons * 5_000,
            lessons_covered=lessons,
            covers_from=date(2026, 3, 2),
        )
        events = contract.collect_events()
        assert_flagged(events, "PrepaidFeeCollected", "prepaid.max_lessons", flagged)

    assert contract.paid_fen == sum(charges) * 5_000


@pytest.mark.parametrize(("amount_fen", "flagged"), [(500_001, True), (500_000, False)])
def test_a_charge_over_five_thousand_yuan_is_recorded_and_flagged(
    amount_fen: int, flagged: bool
) -> None:
    contract = signed(paid_lessons=60, gift_lessons=0)

    collect(contract, amount_fen=amount_fen, lessons_covered=55)

    assert_flagged(contract.collect_events(), "PrepaidFeeCollected", "prepaid.max_amount", flagged)
    assert contract.paid_fen == amount_fen


@pytest.mark.parametrize(("into_supervised_account", "flagged"), [(False, True), (True, False)])
def test_fees_paid_outside_the_supervised_account_are_recorded_and_flagged(
    into_supervised_account: bool, flagged: bool
) -> None:
    contract = signed()

    collect(contract, into_supervised_account=into_supervised_account, channel="个人微信收款码")

    events = contract.collect_events()
    assert_flagged(events, "PrepaidFeeCollected", "prepaid.supervised_account", flagged)
    assert events[0].into_supervised_account is into_supervised_account
    assert contract.paid_fen == PAID_IN_FULL_FEN


def test_a_breach_names_the_feed_that_reported_the_fact_and_the_supervised_escrow_excludes_it() -> (
    None
):
    contract = signed()

    collect(contract, amount_fen=200_000, lessons_covered=20, channel="对公转账")
    collect(contract, amount_fen=232_000, lessons_covered=28, into_supervised_account=False)

    breach = contract.collect_events()[-1]
    assert type(breach).__name__ == "ComplianceBreachDetected"
    assert breach.rule == "prepaid.supervised_account"
    assert breach.actor == BANK_FEED
    assert contract.paid_fen == PAID_IN_FULL_FEN
    assert contract.escrow_balance_fen == 200_000, "only what reached the supervised account"


@pytest.mark.parametrize(
    ("status", "flagged"),
    [
        ("suspended", True),
        ("converting", True),
        ("revoked", True),
        ("ceased", True),
        ("licensed", False),
    ],
)
def test_fees_collected_while_the_institution_may_not_collect_are_recorded_and_flagged(
    status: str, flagged: bool
) -> None:
    contract = signed()

    collect(contract, institution={**OPERATING_UNDER_CUSTODY, "status": status})

    events = contract.collect_events()
    assert_flagged(events, "PrepaidFeeCollected", "prepaid.institution_operating", flagged)
    if flagged:
        assert status in breaches(events)[0].detail
    assert contract.paid_fen == PAID_IN_FULL_FEN
    assert contract.status == "active"


@pytest.mark.parametrize(
    ("supervision", "flagged"),
    [(None, True), (OPERATING_UNDER_CUSTODY["supervision"], False)],
    ids=["no-supervision", "bank-custody"],
)
def test_fees_collected_by_an_institution_without_fund_supervision_are_recorded_and_flagged(
    supervision: dict[str, Any] | None, flagged: bool
) -> None:
    contract = signed(supervision_mode=None)

    collect(contract, institution={"status": "licensed", "supervision": supervision})

    events = contract.collect_events()
    assert_flagged(events, "PrepaidFeeCollected", "prepaid.supervision_in_place", flagged)
    assert contract.paid_fen == PAID_IN_FULL_FEN


# -- flags on lessons consumed ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "flagged"),
    [
        (date(2026, 3, 7), True),  # a Saturday
        (date(2026, 10, 1), True),  # 国庆节, a Thursday
        (date(2026, 2, 28), False),  # a Saturday worked instead of a Spring Festival day
        (date(2026, 3, 10), False),  # an ordinary Tuesday
    ],
    ids=["saturday", "national-day", "make-up-working-saturday", "tuesday"],
)
def test_academic_lessons_on_a_rest_day_or_statutory_holiday_are_recorded_and_flagged(
    day: date, flagged: bool
) -> None:
    contract = paid(category="academic")
    starts_at = datetime.combine(day, datetime.min.time(), SHANGHAI).replace(hour=16)

    consume(
        contract,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90),
        school_calendar=STATE_COUNCIL_2026,
    )

    events = contract.collect_events()
    assert_flagged(events, "LessonsConsumed", "lessons.academic_rest_day", flagged)
    assert contract.consumed_lessons == 2


@pytest.mark.parametrize(
    ("day", "flagged"),
    [(date(2026, 7, 15), True), (date(2026, 9, 1), False)],
    ids=["in-the-summer-vacation", "school-is-back"],
)
def test_academic_lessons_in_a_local_school_vacation_are_flagged(day: date, flagged: bool) -> None:
    # 北京市 2026 summer vacation, as a district's calendar would add it.
    beijing = DEFAULT_CALENDAR.with_vacations((date(2026, 7, 4), date(2026, 8, 31)))
    starts_at = datetime.combine(day, datetime.min.time(), SHANGHAI).replace(hour=10)

    found = lesson_breaches(
        category="academic",
        lessons=2,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90),
        delivery="offline",
        school_calendar=beijing,
    )

    assert [(rule.id, "vacation" in detail) for rule, detail in found] == (
        [("lessons.academic_rest_day", True)] if flagged else []
    )


@pytest.mark.parametrize(
    ("ends_at", "flagged"),
    [
        (shanghai("2026-03-10", "20:31"), True),
        (shanghai("2026-03-10", "20:30"), False),
        (datetime(2026, 3, 10, 12, 45, tzinfo=UTC), True),  # 20:45 in Shanghai
    ],
    ids=["20:31", "20:30", "12:45Z"],
)
def test_offline_lessons_ending_after_half_past_eight_are_recorded_and_flagged(
    ends_at: datetime, flagged: bool
) -> None:
    contract = paid()

    consume(contract, starts_at=shanghai("2026-03-10", "19:00"), ends_at=ends_at)

    assert_flagged(
        contract.collect_events(), "LessonsConsumed", "lessons.offline_latest_end", flagged
    )
    assert contract.consumed_lessons == 2


@pytest.mark.parametrize(
    ("ends_at", "flagged"),
    [(shanghai("2026-03-10", "21:01"), True), (shanghai("2026-03-10", "21:00"), False)],
    ids=["21:01", "21:00"],
)
def test_online_lessons_ending_after_nine_in_the_evening_are_recorded_and_flagged(
    ends_at: datetime, flagged: bool
) -> None:
    contract = paid()

    consume(
        contract,
        lessons=1,
        starts_at=ends_at - timedelta(minutes=30),
        ends_at=ends_at,
        delivery="online",
    )

    assert_flagged(
        contract.collect_events(), "LessonsConsumed", "lessons.online_latest_end", flagged
    )
    assert contract.consumed_lessons == 1


@pytest.mark.parametrize(
    ("lessons", "minutes", "flagged"),
    [(1, 31, True), (2, 60, False), (1, 30, False)],
    ids=["one-lesson-in-31-minutes", "two-lessons-in-60-minutes", "one-lesson-in-30-minutes"],
)
def test_online_lessons_longer_than_thirty_minutes_are_recorded_and_flagged(
    lessons: int, minutes: int, flagged: bool
) -> None:
    contract = paid()
    starts_at = shanghai("2026-03-10", "19:00")

    consume(
        contract,
        lessons=lessons,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        delivery="online",
    )

    assert_flagged(
        contract.collect_events(), "LessonsConsumed", "lessons.online_max_length", flagged
    )
    assert contract.consumed_lessons == lessons
