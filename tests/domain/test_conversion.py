"""Conversion of a for-profit academic company to a non-profit school (营转非)."""

from __future__ import annotations

from datetime import date

import pytest

from registry.domain.enrolment import in_force_on
from registry.domain.errors import RuleViolation
from registry.domain.standing import standing
from tests.builders.codes import ARTS_SUCCESSOR_CODE
from tests.builders.events import event_names

# -- conversion to non-profit (营转非) -------------------------------------------------------


def start(given, inst) -> None:
    inst.start_conversion(
        started_on=date(2022, 1, 10),
        planned_successor_name="北京市海淀区智学培训学校",
        actor=given.actor,
    )


def complete(given, inst, successor, open_contracts: int = 0) -> None:
    inst.complete_conversion(
        successor=successor,
        open_contracts=open_contracts,
        completed_on=date(2022, 6, 30),
        actor=given.actor,
    )


def test_a_licensed_academic_company_starts_converting_to_non_profit(given) -> None:
    inst = given.academic_company()

    start(given, inst)

    assert event_names(inst) == ["ConversionStarted"]
    assert inst.status == "converting"
    assert inst.conversion["planned_successor_name"] == "北京市海淀区智学培训学校"


@pytest.mark.parametrize(
    "candidate", ["arts_company", "non_profit_academic", "unlicensed_academic_company"]
)
def test_conversion_is_only_for_a_licensed_for_profit_academic_institution(
    given, candidate: str
) -> None:
    if candidate == "arts_company":
        inst = given.licensed()
    elif candidate == "non_profit_academic":
        inst = given.successor(given.academic_company().id)
    else:
        inst = given.registered(category="academic", subjects=["数学"])

    with pytest.raises(RuleViolation) as refused:
        start(given, inst)

    assert refused.value.rule == "conversion.eligible"


def test_a_suspended_academic_company_cannot_start_converting(given) -> None:
    inst = given.academic_company()
    inst.suspend_enrolment(
        decision_no="海教停招〔2021〕9号",
        reason="超前超标培训",
        effective_from=date(2021, 9, 1),
        actor=given.actor,
    )
    inst.collect_events()

    with pytest.raises(RuleViolation) as refused:
        start(given, inst)

    assert refused.value.rule == "conversion.eligible"


def test_conversion_completes_with_a_licensed_supervised_non_profit_successor(given) -> None:
    inst = given.converting()
    successor = given.successor(inst.id)

    complete(given, inst, successor)

    assert event_names(inst) == ["ConversionCompleted"]
    assert inst.status == "converted"
    assert inst.conversion["successor_id"] == str(successor.id)
    assert inst.conversion["successor_credit_code"] == successor.credit_code
    assert inst.conversion["completed_on"] == "2022-06-30"


def test_only_a_converting_institution_completes_conversion(given) -> None:
    inst = given.academic_company()
    successor = given.successor(inst.id)

    with pytest.raises(RuleViolation) as refused:
        complete(given, inst, successor)

    assert refused.value.rule == "conversion.state"


def test_the_successor_must_be_a_non_profit(given) -> None:
    inst = given.converting()
    company = given.licensed(credit_code=ARTS_SUCCESSOR_CODE, name="北京智学文化艺术有限公司")
    given.supervised(company)

    with pytest.raises(RuleViolation) as refused:
        complete(given, inst, company)

    assert refused.value.rule == "conversion.successor"


def test_the_successor_must_hold_a_licence(given) -> None:
    inst = given.converting()
    successor = given.successor(inst.id, licensed=False, supervised=False)

    with pytest.raises(RuleViolation) as refused:
        complete(given, inst, successor)

    assert refused.value.rule == "conversion.successor"


def test_a_successor_whose_licence_was_revoked_cannot_take_over(given) -> None:
    inst = given.converting()
    successor = given.successor(inst.id)
    successor.revoke_licence(
        decision_no="京海教罚〔2022〕5号",
        reason="违规收费",
        notice_served_on=date(2022, 5, 1),
        effective_on=date(2022, 5, 20),
        actor=given.actor,
    )

    with pytest.raises(RuleViolation) as refused:
        complete(given, inst, successor)

    assert refused.value.rule == "conversion.successor"


def test_the_successor_must_have_fund_supervision_in_place(given) -> None:
    inst = given.converting()
    successor = given.successor(inst.id, supervised=False)

    with pytest.raises(RuleViolation) as refused:
        complete(given, inst, successor)

    assert refused.value.rule == "conversion.successor_supervision"


def test_conversion_is_refused_while_prepaid_contracts_are_open(given) -> None:
    inst = given.converting()
    successor = given.successor(inst.id)

    with pytest.raises(RuleViolation) as refused:
        complete(given, inst, successor, open_contracts=3)

    assert refused.value.rule == "conversion.open_liabilities"
    assert inst.status == "converting"


# -- abandoned conversion (营转非终止) -------------------------------------------------------


def abandon(given, inst, on: date = date(2022, 5, 31)) -> None:
    inst.abandon_conversion(abandoned_on=on, reason="举办者决定停止转设", actor=given.actor)


def test_an_abandoned_conversion_returns_the_institution_to_licensed(given) -> None:
    inst = given.converting()

    abandon(given, inst)

    assert event_names(inst) == ["ConversionAbandoned"]
    assert inst.status == "licensed"
    assert inst.conversion["abandoned_on"] == "2022-05-31"
    assert inst.conversion["abandonment_reason"] == "举办者决定停止转设"


def test_an_abandoned_conversion_was_in_force_as_converting_until_its_abandonment_day(
    given,
) -> None:
    inst = given.converting()

    abandon(given, inst)

    assert standing(inst.decisions, date(2022, 5, 30)).status == "converting"
    assert standing(inst.decisions, date(2022, 5, 31)).status == "licensed"
    assert in_force_on(inst, date(2022, 5, 30))["status"] == "converting"
    assert in_force_on(inst, date(2022, 5, 31))["status"] == "licensed"


def test_only_a_conversion_in_progress_is_abandoned_conversion_state(given) -> None:
    inst = given.academic_company()

    with pytest.raises(RuleViolation) as refused:
        abandon(given, inst)

    assert refused.value.rule == "conversion.state"
    assert event_names(inst) == []


def test_a_completed_conversion_is_not_abandoned_conversion_state(given) -> None:
    inst = given.converting()
    complete(given, inst, given.successor(inst.id))
    inst.collect_events()

    with pytest.raises(RuleViolation) as refused:
        abandon(given, inst, on=date(2022, 7, 1))

    assert refused.value.rule == "conversion.state"


def test_a_conversion_is_not_abandoned_before_it_started(given) -> None:
    inst = given.converting()

    with pytest.raises(RuleViolation) as refused:
        abandon(given, inst, on=date(2022, 1, 9))

    assert refused.value.rule == "decision.date_order"


def test_an_institution_whose_conversion_was_abandoned_may_start_converting_again(given) -> None:
    inst = given.converting()
    abandon(given, inst)
    inst.collect_events()

    inst.start_conversion(
        started_on=date(2022, 7, 1),
        planned_successor_name="北京市海淀区智学培训学校",
        actor=given.actor,
    )

    assert inst.status == "converting"
    assert "abandoned_on" not in inst.conversion
