"""Licences (办学许可证), staff filings and fund supervision (预收费监管) through the API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders.bodies import BANK_CUSTODY, LICENCE
from tests.builders.bureau import Bureau

# -- licences --------------------------------------------------------------------------------


def test_a_licensed_institution_under_bank_custody_shows_both_in_the_regulator_view(
    bureau: Bureau,
) -> None:
    institution_id = bureau.legitimate()

    view = bureau.view(institution_id)

    assert view["status"] == "licensed"
    assert view["licence"]["licence_no"] == LICENCE["licence_no"]
    assert view["licence"]["valid_to"] == "2027-08-31"
    assert view["supervision"]["mode"] == "bank_custody"
    assert view["supervision"]["bank"] == "中国工商银行北京海淀支行"
    assert view["version"] == 3


def test_an_academic_company_is_not_licensed_after_the_double_reduction_opinion(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.register(
        name="北京学而优教育科技有限公司",
        credit_code=bureau.new_credit_code(),
        category="academic",
        subjects=["数学"],
    )

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "licence", {**LICENCE, "valid_from": "2021-07-25"})

    assert refused(answer, 422)["rule"] == "institution.academic_non_profit"


def test_an_academic_licence_granted_before_the_double_reduction_opinion_is_entered_as_history(
    bureau: Bureau,
) -> None:
    institution_id = bureau.register(
        credit_code=bureau.new_credit_code(), category="academic", subjects=["语文"]
    )

    answer = bureau.send(
        institution_id, "licence", {**LICENCE, "valid_from": "2019-09-01", "valid_to": "2022-08-31"}
    )

    assert answer.status_code == 200, answer.text


def test_a_new_academic_non_profit_is_licensed_only_as_a_conversion_successor(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.register(
        name="北京市海淀区博雅学科培训学校",
        credit_code=bureau.new_credit_code(prefix="52"),
        category="academic",
        subjects=["数学"],
        legal_form="non_profit",
    )

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "licence", LICENCE)

    assert refused(answer, 422)["rule"] == "institution.academic_no_new_licence"


def test_a_licence_that_ends_before_it_begins_is_refused(bureau: Bureau, refused: Any) -> None:
    institution_id = bureau.register()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(
            institution_id,
            "licence",
            {**LICENCE, "valid_from": "2024-09-01", "valid_to": "2024-08-31"},
        )

    assert refused(answer, 422)["rule"] == "institution.licence_validity"


def test_a_licensed_institution_is_not_licensed_a_second_time(bureau: Bureau, refused: Any) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "licence", LICENCE)

    assert refused(answer, 422)["rule"] == "institution.licence_state"


def test_a_renewal_extends_the_licence_to_its_new_end(bureau: Bureau) -> None:
    institution_id = bureau.licensed()

    bureau.send(institution_id, "licence/renewal", {"valid_to": "2030-08-31"})

    view = bureau.view(institution_id)
    assert view["licence"]["valid_to"] == "2030-08-31"
    assert view["licence"]["valid_from"] == "2024-09-01"


def test_a_renewal_that_does_not_extend_the_licence_is_refused(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "licence/renewal", {"valid_to": "2026-08-31"})

    assert refused(answer, 422)["rule"] == "institution.licence_validity"


def test_an_institution_without_a_licence_has_none_to_renew(bureau: Bureau, refused: Any) -> None:
    institution_id = bureau.register()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "licence/renewal", {"valid_to": "2030-08-31"})

    assert refused(answer, 422)["rule"] == "institution.licence_state"


# -- staff -----------------------------------------------------------------------------------

TEACHER = {
    "name": "陈静",
    "role": "数学教师",
    "qualification": "teacher_certificate",
    "certificate_no": "20171100122001234",
    "serving_school_teacher": False,
}


def test_a_serving_school_teacher_may_not_be_filed_as_training_staff(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "staff", {**TEACHER, "serving_school_teacher": True})

    assert refused(answer, 422)["rule"] == "staff.serving_school_teacher"


def test_academic_training_staff_must_hold_a_teacher_qualification_certificate(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.academic_company()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(
            institution_id, "staff", {**TEACHER, "qualification": None, "certificate_no": None}
        )

    assert refused(answer, 422)["rule"] == "staff.teacher_certificate"


def test_a_filed_staff_member_appears_in_the_regulator_view(bureau: Bureau) -> None:
    institution_id = bureau.academic_company()

    bureau.send(institution_id, "staff", TEACHER)

    view = bureau.view(institution_id)
    assert [s["name"] for s in view["staff"]] == ["陈静"]


# -- fund supervision ------------------------------------------------------------------------


def test_fund_supervision_is_set_up_only_for_a_licensed_institution(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.register()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "supervision", BANK_CUSTODY)

    assert refused(answer, 422)["rule"] == "supervision.licence_required"


def test_a_risk_reserve_states_the_amount_deposited(bureau: Bureau, refused: Any) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(
            institution_id, "supervision", {**BANK_CUSTODY, "mode": "risk_reserve"}
        )

    assert refused(answer, 422)["rule"] == "supervision.reserve_amount"


def test_a_risk_reserve_in_fen_is_recorded(bureau: Bureau) -> None:
    institution_id = bureau.licensed()

    answer = bureau.send(
        institution_id,
        "supervision",
        {**BANK_CUSTODY, "mode": "risk_reserve", "reserve_fen": 20_000_000},
    )

    assert answer.status_code == 200, answer.text
    view = bureau.view(institution_id)
    assert view["supervision"]["reserve_fen"] == 20_000_000


@pytest.mark.parametrize(
    "reserve_fen",
    [-100, 20_000_000.0, 199.5, "20000000", True],
    ids=["negative fen", "fen as a float", "a fraction of a fen", "fen as a string", "a boolean"],
)
def test_a_reserve_that_is_not_a_whole_number_of_fen_is_refused(
    reserve_fen: Any, bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(
            institution_id,
            "supervision",
            {**BANK_CUSTODY, "mode": "risk_reserve", "reserve_fen": reserve_fen},
        )

    problem = refused(answer, 422)
    assert problem["errors"][0]["loc"][:2] == ["body", "reserve_fen"]
