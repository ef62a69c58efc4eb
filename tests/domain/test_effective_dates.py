"""Effective dates: every decision takes effect on its own day, within bounds and in order.

What was in force on a day is answered by the decisions' effective dates (``standing``), not by
when they were typed in.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest

from registry.domain.commands.institutions import SuspendEnrolment
from registry.domain.dating import check_bounds, check_command_dates
from registry.domain.errors import RuleViolation
from registry.domain.standing import next_change, standing
from tests.builders.events import event_names

TODAY = date(2026, 11, 30)


def suspend(given, inst, on: date) -> None:
    inst.suspend_enrolment(
        decision_no="海教停招〔2026〕5号",
        reason="超前超标培训",
        effective_from=on,
        actor=given.actor,
    )


def test_an_institution_is_in_the_register_from_its_registration_day(given) -> None:
    inst = given.registered()

    assert inst.registered_on == "2025-02-10"
    assert standing(inst.decisions, date(2025, 2, 9)) is None
    assert standing(inst.decisions, date(2025, 2, 10)).status == "registered"


def test_a_back_dated_licence_is_in_force_from_its_first_day(given) -> None:
    inst = given.licensed()

    assert standing(inst.decisions, date(2025, 2, 28)).status == "registered"
    assert standing(inst.decisions, date(2025, 3, 1)).licence["licence_no"] == (
        "教民111010870000123号"
    )


def test_a_licence_cannot_start_before_the_registration(given) -> None:
    inst = given.registered()

    with pytest.raises(RuleViolation) as refused:
        inst.issue_licence(**given.licence_terms(valid_from=date(2025, 1, 1)))

    assert refused.value.rule == "decision.date_order"
    assert event_names(inst) == []


def test_a_lift_cannot_precede_its_suspension(given) -> None:
    inst = given.suspended()

    with pytest.raises(RuleViolation) as refused:
        inst.lift_suspension(
            decision_no="海教复招〔2025〕1号",
            lifted_on=date(2025, 5, 5),
            today=TODAY,
            actor=given.actor,
        )

    assert refused.value.rule == "decision.date_order"


def test_a_suspension_dated_next_monday_is_not_in_force_before_monday(given) -> None:
    inst = given.supervised(given.licensed())
    monday = date(2026, 12, 7)

    suspend(given, inst, monday)

    assert inst.status == "suspended"  # the record as it stands
    assert standing(inst.decisions, monday - timedelta(days=1)).legitimate
    assert standing(inst.decisions, monday).status == "suspended"
    assert not standing(inst.decisions, monday).legitimate
    assert next_change(inst.decisions, TODAY) == monday


def test_the_day_after_the_licence_ends_without_renewal_the_institution_is_not_legitimate(
    given,
) -> None:
    inst = given.supervised(given.licensed())

    last_day = standing(inst.decisions, date(2028, 2, 29))
    day_after = standing(inst.decisions, date(2028, 3, 1))

    assert last_day.legitimate and not last_day.licence_expired
    assert day_after.licence_expired and not day_after.legitimate
    assert next_change(inst.decisions, date(2028, 2, 1)) == date(2028, 3, 1)


def test_a_renewal_keeps_the_institution_legitimate_past_the_old_end(given) -> None:
    inst = given.supervised(given.licensed())

    inst.renew_licence(valid_to=date(2031, 2, 28), renewed_on=date(2028, 2, 1), actor=given.actor)

    assert standing(inst.decisions, date(2028, 3, 1)).legitimate


def test_fund_supervision_ends_on_its_day(given) -> None:
    inst = given.supervised(given.licensed())

    inst.end_fund_supervision(ended_on=date(2026, 6, 30), reason="托管协议到期", actor=given.actor)

    assert event_names(inst) == ["FundSupervisionEnded"]
    assert standing(inst.decisions, date(2026, 6, 29)).supervision is not None
    assert standing(inst.decisions, date(2026, 6, 30)).supervision is None
    assert inst.supervision is None


def test_only_supervision_in_place_can_end(given) -> None:
    inst = given.licensed()

    with pytest.raises(RuleViolation) as refused:
        inst.end_fund_supervision(ended_on=date(2026, 6, 30), reason="—", actor=given.actor)

    assert refused.value.rule == "supervision.state"


def test_supervision_cannot_end_before_it_was_established(given) -> None:
    inst = given.supervised(given.licensed())

    with pytest.raises(RuleViolation) as refused:
        inst.end_fund_supervision(ended_on=date(2025, 2, 28), reason="—", actor=given.actor)

    assert refused.value.rule == "decision.date_order"


@pytest.mark.parametrize(
    "day", [date(2003, 8, 31), TODAY + timedelta(days=91)], ids=["too old", "too far ahead"]
)
def test_an_effective_date_stays_within_the_bounds(day) -> None:
    with pytest.raises(RuleViolation) as refused:
        check_bounds(day, TODAY, "effective_from")

    assert refused.value.rule == "decision.date_bounds"


def test_a_decision_may_be_dated_up_to_ninety_days_ahead_or_back_to_2003() -> None:
    check_bounds(TODAY + timedelta(days=90), TODAY, "effective_from")
    check_bounds(date(2003, 9, 1), TODAY, "valid_from")


def test_every_effective_date_of_a_command_is_checked_against_the_bounds() -> None:
    command = SuspendEnrolment(
        institution_id=uuid4(),
        decision_no="海教停招〔2026〕5号",
        reason="超前超标培训",
        effective_from=TODAY + timedelta(days=365),
    )

    with pytest.raises(RuleViolation) as refused:
        check_command_dates(command, TODAY)

    assert refused.value.rule == "decision.date_bounds"
