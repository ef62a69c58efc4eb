"""The period a charge pays for (``prepaid.max_months``) and how early it was collected
(``prepaid.advance_collection``), measured from the start of that period, not the payment day.

A charge's period is what the feed reports (``covers_from``, ``covers_until``), else inferred
from the lessons it buys at the contract's pace after the lessons already paid for, never past
the contract's end. No I/O: contracts are built through their own commands.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from registry.domain.errors import InvalidInput
from registry.domain.fee_span import Schedule, add_months, charge_span, span_breaches
from registry.domain.roster import ContractRoster, pupil_key
from tests.builders.contracts import collect, consume, shanghai, signed

# A ten-month course of 80 lessons at 50 yuan, 2026-03-01 to 2026-12-31 (306 days).
TEN_MONTHS = {
    "paid_lessons": 80,
    "gift_lessons": 0,
    "price_per_lesson_fen": 5_000,
    "start_date": date(2026, 3, 1),
    "end_date": date(2026, 12, 31),
}


def flagged_rules(contract: Any) -> list[str]:
    return [e.rule for e in contract.collect_events() if hasattr(e, "rule")]


def charge(contract: Any, lessons: int, paid_on: str, **overrides: Any) -> list[str]:
    """A charge of ``lessons`` lessons at 50 yuan paid on ``paid_on``; the rules it flags."""
    collect(
        contract,
        **{
            "amount_fen": lessons * 5_000,
            "lessons_covered": lessons,
            "gift_lessons": 0,
            "paid_at": shanghai(paid_on, "10:00"),
            "covers_until": None,
            **overrides,
        },
    )
    return flagged_rules(contract)


# -- prepaid.max_months ----------------------------------------------------------------------


@pytest.mark.parametrize("covers_until", [date(2026, 6, 12), None], ids=["reported", "inferred"])
def test_a_three_month_term_paid_twelve_days_before_it_starts_is_not_flagged_max_months(
    covers_until: date | None,
) -> None:
    term = signed(
        paid_lessons=24,
        gift_lessons=0,
        price_per_lesson_fen=9_000,
        start_date=date(2026, 3, 13),
        end_date=date(2026, 6, 12),
    )

    rules = charge(term, 24, "2026-03-01", amount_fen=216_000, covers_until=covers_until)

    assert rules == []


def test_one_payment_for_a_whole_ten_month_course_without_covers_until_is_flagged_max_months() -> (
    None
):
    course = signed(**{**TEN_MONTHS, "paid_lessons": 50, "price_per_lesson_fen": 8_000})

    rules = charge(course, 50, "2026-02-25", amount_fen=400_000)

    assert rules == ["prepaid.max_months"]
    (breach,) = course.breaches
    assert "2026-03-01 (inferred) to 2026-12-31 (inferred)" in breach["detail"]


@pytest.mark.parametrize(("lessons", "flagged"), [(24, False), (25, True)])
def test_without_covers_until_a_charge_spans_the_time_its_lessons_take_at_the_contract_pace(
    lessons: int, flagged: bool
) -> None:
    # 24 of 80 lessons over 306 days take 92 days: 03-01 to 05-31; 25 take 96, to 06-04.
    course = signed(**TEN_MONTHS)

    rules = charge(course, lessons, "2026-02-25")

    assert rules == (["prepaid.max_months"] if flagged else [])


def test_a_later_charge_starts_its_span_when_the_lessons_already_paid_for_are_taught() -> None:
    schedule = Schedule(start=date(2026, 3, 1), end=date(2026, 12, 31), lessons=80)

    span = charge_span(
        paid_on=date(2026, 5, 10),
        covers_from=None,
        covers_until=None,
        lessons_bought=24,
        lessons_ahead=20,
        schedule=schedule,
    )

    # 20 lessons still to teach take 77 days from the payment day; then 24 take 92.
    assert span.starts_on == date(2026, 7, 26)
    assert span.ends_on == date(2026, 10, 25)
    assert not span.beyond(3)


def test_an_inferred_span_never_runs_past_the_contract_end() -> None:
    schedule = Schedule(start=date(2026, 3, 1), end=date(2026, 4, 30), lessons=16)

    span = charge_span(
        paid_on=date(2026, 2, 20),
        covers_from=None,
        covers_until=None,
        lessons_bought=40,
        lessons_ahead=0,
        schedule=schedule,
    )

    assert (span.starts_on, span.ends_on) == (date(2026, 3, 1), date(2026, 4, 30))


def test_a_charge_whose_period_ends_before_it_starts_is_refused_and_records_nothing() -> None:
    course = signed(**TEN_MONTHS)

    with pytest.raises(InvalidInput):
        charge(
            course,
            24,
            "2026-02-25",
            covers_from=date(2026, 5, 1),
            covers_until=date(2026, 4, 30),
        )

    assert course.collect_events() == []


def test_months_are_counted_back_over_the_turn_of_the_year() -> None:
    assert add_months(date(2026, 1, 31), -1) == date(2025, 12, 31)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)


# -- prepaid.advance_collection --------------------------------------------------------------


@pytest.mark.parametrize(("paid_on", "flagged"), [("2026-03-31", True), ("2026-04-01", False)])
def test_a_term_paid_more_than_one_month_before_it_starts_is_flagged_advance_collection(
    paid_on: str, flagged: bool
) -> None:
    term = signed(
        paid_lessons=24,
        gift_lessons=0,
        price_per_lesson_fen=9_000,
        start_date=date(2026, 5, 1),
        end_date=date(2026, 7, 31),
    )

    rules = charge(term, 24, paid_on, amount_fen=216_000)

    assert rules == (["prepaid.advance_collection"] if flagged else [])


@pytest.mark.parametrize(("taught", "flagged"), [(4, False), (3, True)])
def test_a_renewal_is_collected_early_only_once_at_most_twenty_lessons_remain_advance_collection(
    taught: int, flagged: bool
) -> None:
    course = signed(**TEN_MONTHS)
    charge(course, 24, "2026-02-25")
    consume(course, lessons=taught)
    course.collect_events()

    # Paid on 03-20 for lessons that start once the 20 (or 21) left are taught, in June.
    rules = charge(course, 24, "2026-03-20")

    assert rules == (["prepaid.advance_collection"] if flagged else [])


def test_a_charge_reporting_covers_from_is_judged_from_that_day_advance_collection() -> None:
    course = signed(**TEN_MONTHS)

    rules = charge(
        course,
        24,
        "2026-04-15",
        covers_from=date(2026, 6, 1),
        covers_until=date(2026, 8, 31),
    )

    assert rules == ["prepaid.advance_collection"]
    assert "2026-06-01" in course.breaches[-1]["detail"]


# -- prepaid.max_lessons across the pupil's contracts ----------------------------------------


@pytest.mark.parametrize(("elsewhere", "flagged"), [(20, False), (21, True)])
def test_the_pupils_lessons_on_other_contracts_count_toward_the_sixty_lesson_cap_max_lessons(
    elsewhere: int, flagged: bool
) -> None:
    course = signed(**TEN_MONTHS)

    rules = charge(
        course,
        40,
        "2026-02-25",
        covers_until=date(2026, 5, 31),
        lessons_elsewhere=elsewhere,
    )

    assert rules == (["prepaid.max_lessons"] if flagged else [])


def test_a_roster_reads_contracts_enrolled_before_it_kept_pupils_to_tell_whose_they_are() -> None:
    school = uuid4()
    roster = ContractRoster(institution_id=school)
    mine, theirs, unknown = uuid4(), uuid4(), uuid4()
    roster.enrol(mine, pupil_key(school, "pupil-2026-0417"))
    roster.enrol(theirs, pupil_key(school, "pupil-2026-0418"))
    roster.enrol(unknown)

    assert roster.contracts_perhaps_of(pupil_key(school, " pupil-2026-0417")) == [mine, unknown]
    assert pupil_key(school, "pupil-2026-0417") != pupil_key(uuid4(), "pupil-2026-0417")


def test_a_later_charge_pays_from_the_day_after_the_period_its_predecessor_reported() -> None:
    schedule = Schedule(start=date(2026, 3, 2), end=date(2026, 5, 31), lessons=52)

    span = charge_span(
        paid_on=date(2026, 3, 20),
        covers_from=None,
        covers_until=date(2026, 5, 31),
        lessons_bought=26,
        lessons_ahead=24,
        schedule=schedule,
        follows_until=date(2026, 4, 15),
    )

    assert span.starts_on == date(2026, 4, 16)
    assert span_breaches(span=span, paid_on=date(2026, 3, 20), lessons_remaining=24) == []
