"""Licences (办学许可证), staff filings (从业人员备案) and fund supervision (预收费监管)."""

from __future__ import annotations

from datetime import date

import pytest

from registry.domain.errors import RuleViolation
from tests.builders.codes import NON_PROFIT_CODE, OTHER_COMPANY_CODE
from tests.builders.events import event_names

# -- licence --------------------------------------------------------------------------------


def test_a_registered_arts_school_is_licensed(given) -> None:
    inst = given.registered()

    inst.issue_licence(**given.licence_terms())

    assert event_names(inst) == ["LicenceIssued"]
    assert inst.status == "licensed"
    assert inst.licence == {
        "licence_no": "教民111010870000123号",
        "approving_authority": "北京市海淀区教育委员会",
        "valid_from": "2025-03-01",
        "valid_to": "2028-02-29",
    }


def test_a_licence_is_issued_only_to_a_registered_institution(given) -> None:
    inst = given.licensed()

    with pytest.raises(RuleViolation) as refused:
        inst.issue_licence(**given.licence_terms(licence_no="教民111010870000124号"))

    assert refused.value.rule == "institution.licence_state"


@pytest.mark.parametrize("valid_to", [date(2025, 3, 1), date(2025, 2, 28)])
def test_a_licence_ends_after_it_begins(given, valid_to: date) -> None:
    inst = given.registered()

    with pytest.raises(RuleViolation) as refused:
        inst.issue_licence(**given.licence_terms(valid_from=date(2025, 3, 1), valid_to=valid_to))

    assert refused.value.rule == "institution.licence_validity"


def test_an_academic_company_cannot_be_licensed(given) -> None:
    inst = given.registered(
        name="北京博学优课教育科技有限公司",
        credit_code=OTHER_COMPANY_CODE,
        category="academic",
        subjects=["数学"],
        legal_form="company",
    )

    with pytest.raises(RuleViolation) as refused:
        inst.issue_licence(**given.licence_terms())

    assert refused.value.rule == "institution.academic_non_profit"


@pytest.mark.parametrize(
    ("code", "legal_form"),
    [(OTHER_COMPANY_CODE, "non_profit"), (NON_PROFIT_CODE, "company")],
    ids=["company-code-declared-non-profit", "non-profit-code-declared-company"],
)
def test_an_academic_institution_is_non_profit_by_both_its_code_and_its_legal_form(
    given, code: str, legal_form: str
) -> None:
    predecessor = given.academic_company()
    inst = given.registered(
        credit_code=code,
        category="academic",
        subjects=["语文"],
        legal_form=legal_form,
        successor_of=predecessor.id,
    )

    with pytest.raises(RuleViolation) as refused:
        inst.issue_licence(**given.licence_terms())

    assert refused.value.rule == "institution.academic_non_profit"


def test_a_new_academic_institution_is_licensed_only_as_a_conversion_successor(given) -> None:
    inst = given.registered(
        name="北京市海淀区启明学科培训学校",
        credit_code=NON_PROFIT_CODE,
        category="academic",
        subjects=["数学", "物理"],
        legal_form="non_profit",
        successor_of=None,
    )

    with pytest.raises(RuleViolation) as refused:
        inst.issue_licence(**given.licence_terms())

    assert refused.value.rule == "institution.academic_no_new_licence"


def test_a_non_profit_conversion_successor_is_licensed_for_academic_training(given) -> None:
    predecessor = given.academic_company()
    successor = given.successor(predecessor.id, licensed=False, supervised=False)

    successor.issue_licence(**given.licence_terms(valid_from=date(2022, 3, 1)))

    assert event_names(successor) == ["LicenceIssued"]
    assert successor.status == "licensed"


def test_an_academic_company_licensed_before_the_double_reduction_is_entered_as_history(
    given,
) -> None:
    inst = given.registered(
        credit_code=OTHER_COMPANY_CODE,
        category="academic",
        subjects=["英语"],
        registered_on=date(2021, 1, 4),
    )

    inst.issue_licence(
        **given.licence_terms(valid_from=date(2021, 7, 23), valid_to=date(2024, 7, 22))
    )

    assert event_names(inst) == ["LicenceIssued"]


def test_the_double_reduction_binds_academic_licences_from_its_issue_date(given) -> None:
    inst = given.registered(credit_code=OTHER_COMPANY_CODE, category="academic", subjects=["英语"])

    with pytest.raises(RuleViolation) as refused:
        inst.issue_licence(
            **given.licence_terms(valid_from=date(2021, 7, 24), valid_to=date(2024, 7, 23))
        )

    assert refused.value.rule == "institution.academic_non_profit"


def test_a_current_licence_is_renewed_beyond_its_end(given) -> None:
    inst = given.licensed()

    inst.renew_licence(valid_to=date(2031, 2, 28), renewed_on=date(2028, 2, 1), actor=given.actor)

    assert event_names(inst) == ["LicenceRenewed"]
    assert inst.licence["valid_to"] == "2031-02-28"
    assert inst.licence["valid_from"] == "2025-03-01"


def test_a_renewal_extends_the_licence_beyond_its_current_end(given) -> None:
    inst = given.licensed()

    with pytest.raises(RuleViolation) as refused:
        inst.renew_licence(
            valid_to=date(2028, 2, 29), renewed_on=date(2028, 2, 1), actor=given.actor
        )

    assert refused.value.rule == "institution.licence_validity"


def test_only_a_current_licence_is_renewed(given) -> None:
    inst = given.registered()

    with pytest.raises(RuleViolation) as refused:
        inst.renew_licence(
            valid_to=date(2031, 2, 28), renewed_on=date(2028, 2, 1), actor=given.actor
        )

    assert refused.value.rule == "institution.licence_state"


def test_a_revoked_licence_is_not_renewed(given) -> None:
    inst = given.revoked()

    with pytest.raises(RuleViolation) as refused:
        inst.renew_licence(
            valid_to=date(2031, 2, 28), renewed_on=date(2028, 2, 1), actor=given.actor
        )

    assert refused.value.rule == "institution.licence_state"


# -- staff ----------------------------------------------------------------------------------


def staff(given, **overrides) -> dict:
    fields = {
        "name": "刘洋",
        "role": "teacher",
        "qualification": "teacher_certificate",
        "certificate_no": "20191100142000318",
        "serving_school_teacher": False,
        "actor": given.actor,
    }
    fields.update(overrides)
    return fields


def test_a_certified_teacher_is_filed_as_academic_staff(given) -> None:
    inst = given.academic_company()

    inst.file_staff_member(**staff(given))

    assert event_names(inst) == ["StaffMemberFiled"]
    assert inst.staff == [
        {
            "name": "刘洋",
            "role": "teacher",
            "qualification": "teacher_certificate",
            "certificate_no": "20191100142000318",
        }
    ]


def test_a_serving_school_teacher_cannot_be_filed_as_staff(given) -> None:
    inst = given.licensed()

    with pytest.raises(RuleViolation) as refused:
        inst.file_staff_member(**staff(given, serving_school_teacher=True))

    assert refused.value.rule == "staff.serving_school_teacher"


@pytest.mark.parametrize(
    ("qualification", "certificate_no"),
    [(None, None), ("teacher_certificate", None), ("teacher_certificate", ""), ("art_grade", "A1")],
)
def test_academic_staff_need_a_teacher_certificate(
    given, qualification: str | None, certificate_no: str | None
) -> None:
    inst = given.academic_company()

    with pytest.raises(RuleViolation) as refused:
        inst.file_staff_member(
            **staff(given, qualification=qualification, certificate_no=certificate_no)
        )

    assert refused.value.rule == "staff.teacher_certificate"


def test_an_arts_tutor_is_filed_without_a_teacher_certificate(given) -> None:
    inst = given.licensed()

    inst.file_staff_member(
        **staff(given, name="赵敏", role="tutor", qualification=None, certificate_no=None)
    )

    assert event_names(inst) == ["StaffMemberFiled"]


# -- fund supervision -----------------------------------------------------------------------


def supervision(given, **overrides) -> dict:
    fields = {
        "mode": "bank_custody",
        "bank": "中国工商银行北京海淀支行",
        "account_no": "0200004509200123456",
        "agreement_no": "海教监〔2025〕017号",
        "reserve_fen": None,
        "established_on": date(2025, 3, 1),
        "actor": given.actor,
    }
    fields.update(overrides)
    return fields


def test_a_licensed_institution_puts_its_prepaid_fees_under_bank_custody(given) -> None:
    inst = given.licensed()

    inst.establish_fund_supervision(**supervision(given))

    assert event_names(inst) == ["FundSupervisionEstablished"]
    assert inst.supervision["mode"] == "bank_custody"
    assert inst.supervision["reserve_fen"] is None


def test_fund_supervision_needs_a_licence(given) -> None:
    inst = given.registered()

    with pytest.raises(RuleViolation) as refused:
        inst.establish_fund_supervision(**supervision(given))

    assert refused.value.rule == "supervision.licence_required"


@pytest.mark.parametrize("reserve_fen", [None, 0, -100])
def test_a_risk_reserve_states_a_positive_deposited_amount(given, reserve_fen) -> None:
    inst = given.licensed()

    with pytest.raises(RuleViolation) as refused:
        inst.establish_fund_supervision(
            **supervision(given, mode="risk_reserve", reserve_fen=reserve_fen)
        )

    assert refused.value.rule == "supervision.reserve_amount"


def test_a_risk_reserve_records_the_amount_deposited(given) -> None:
    inst = given.licensed()

    inst.establish_fund_supervision(
        **supervision(given, mode="risk_reserve", reserve_fen=20_000_000)
    )

    assert event_names(inst) == ["FundSupervisionEstablished"]
    assert inst.supervision["reserve_fen"] == 20_000_000


def test_a_converting_institution_can_still_put_its_fees_under_supervision(given) -> None:
    inst = given.converting()

    inst.establish_fund_supervision(**supervision(given))

    assert event_names(inst) == ["FundSupervisionEstablished"]
