"""Registering an institution (登记), its identity, and what a refused command leaves behind."""

from __future__ import annotations

from datetime import date

import pytest

from registry.domain.errors import RuleViolation
from registry.domain.institution import Institution
from tests.builders.codes import ARTS_COMPANY_CODE, ONLINE_COMPANY_CODE
from tests.builders.institutions import arts_school
from tests.builders.principals import HAIDIAN_REGULATOR


def test_a_regulator_registers_an_institution_of_its_district() -> None:
    inst = Institution.register(**arts_school(), actor=HAIDIAN_REGULATOR)

    events = inst.collect_events()
    assert [type(e).__name__ for e in events] == ["InstitutionRegistered"]
    assert events[0].actor == HAIDIAN_REGULATOR
    assert inst.status == "registered"
    assert inst.credit_code == ARTS_COMPANY_CODE
    assert inst.licence is None and inst.supervision is None and not inst.blacklisted


def test_a_credit_code_with_a_wrong_check_character_is_refused(given) -> None:
    wrong = ARTS_COMPANY_CODE[:17] + ("0" if ARTS_COMPANY_CODE[17] != "0" else "1")

    with pytest.raises(RuleViolation) as refused:
        given.registered(credit_code=wrong)

    assert refused.value.rule == "institution.uscc_check"


@pytest.mark.parametrize("code", ["", "9111010855138508", "91110108551385O82Q"])
def test_a_malformed_credit_code_is_refused(given, code: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        given.registered(credit_code=code)

    assert refused.value.rule == "institution.uscc_check"


def test_a_credit_code_entered_in_lowercase_is_registered_in_uppercase(given) -> None:
    inst = given.registered(credit_code=ARTS_COMPANY_CODE.lower())

    assert inst.credit_code == ARTS_COMPANY_CODE
    assert inst.id == Institution.create_id(ARTS_COMPANY_CODE)


def test_the_same_credit_code_always_names_the_same_institution(given) -> None:
    first = given.registered()
    second = given.registered(name="北京七彩虹文化艺术有限公司", address="北京市海淀区学院路5号")

    assert first.id == second.id == Institution.create_id(ARTS_COMPANY_CODE)
    assert Institution.create_id(ARTS_COMPANY_CODE) != Institution.create_id(ONLINE_COMPANY_CODE)


@pytest.mark.parametrize("district", ["11010", "1101080", "11O108", "000000", "110000", "090108"])
def test_an_institution_is_registered_only_in_a_six_digit_district(given, district: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        given.registered(district_code=district)

    assert refused.value.rule == "institution.district_code"


def test_an_online_institution_needs_an_icp_number(given) -> None:
    with pytest.raises(RuleViolation) as refused:
        given.registered(credit_code=ONLINE_COMPANY_CODE, delivery="online", icp_number=None)

    assert refused.value.rule == "institution.online_icp"


def test_an_online_institution_with_its_icp_number_is_registered(given) -> None:
    inst = given.registered(
        name="北京云端书声在线教育科技有限公司",
        credit_code=ONLINE_COMPANY_CODE,
        delivery="online",
        icp_number="京ICP备2021012345号-1",
    )

    assert inst.delivery == "online"
    assert inst.icp_number == "京ICP备2021012345号-1"


def test_a_successor_is_registered_with_its_predecessor(given) -> None:
    predecessor = given.academic_company()

    successor = given.successor(predecessor.id, licensed=False, supervised=False)

    assert successor.successor_of == str(predecessor.id)


def test_a_refused_command_leaves_no_pending_event(given) -> None:
    inst = given.licensed()
    version = inst.version

    with pytest.raises(RuleViolation):
        inst.suspend_enrolment(
            decision_no="",
            reason="超前超标培训",
            effective_from=date(2025, 5, 6),
            actor=HAIDIAN_REGULATOR,
        )

    assert inst.collect_events() == []
    assert inst.version == version
    assert inst.status == "licensed"
