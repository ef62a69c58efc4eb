"""Revocation, conversion to non-profit (营转非), cessation, blacklist and deregistration (注销)."""

from __future__ import annotations

from typing import Any

from tests.builders.bodies import (
    ABANDONMENT,
    ABNORMAL_CESSATION,
    BLACKLISTING,
    CONVERSION,
    DEREGISTRATION,
    RECTIFY_INSPECTION,
    REVOCATION,
)
from tests.builders.bureau import Bureau

# -- revocation ------------------------------------------------------------------------------


def test_a_revoked_licence_is_kept_with_its_notice_and_effect_dates(bureau: Bureau) -> None:
    institution_id = bureau.licensed()

    bureau.revoke(institution_id)

    view = bureau.view(institution_id)
    assert view["status"] == "revoked"
    assert view["revocation"]["notice_served_on"] == "2024-12-01"
    assert view["revocation"]["effective_on"] == "2024-12-16"


def test_a_revocation_cannot_take_effect_before_its_notice_was_served(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.licensed()
    backwards = {**REVOCATION, "notice_served_on": "2024-12-16", "effective_on": "2024-12-01"}

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "revocation", backwards)

    assert refused(answer, 422)["rule"] == "revocation.notice_before_effect"


def test_an_institution_never_licensed_has_no_licence_to_revoke(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.register()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "revocation", REVOCATION)

    assert refused(answer, 422)["rule"] == "revocation.state"


def test_a_revocation_without_a_decision_document_number_is_refused(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "revocation", {**REVOCATION, "decision_no": "\t"})

    assert refused(answer, 422)["rule"] == "decision.document_number"


# -- conversion (营转非) -----------------------------------------------------------------------


def test_a_converted_institution_is_linked_to_its_non_profit_successor(bureau: Bureau) -> None:
    predecessor_id = bureau.converting()
    successor_id = bureau.successor(predecessor_id)

    answer = bureau.complete_conversion(predecessor_id, successor_id)

    assert answer.status_code == 200, answer.text
    view = bureau.view(predecessor_id)
    assert view["status"] == "converted"
    assert view["conversion"]["successor_id"] == successor_id
    assert bureau.view(successor_id)["successor_of"] == predecessor_id


def test_conversion_is_only_for_a_licensed_for_profit_academic_institution(
    bureau: Bureau, refused: Any
) -> None:
    arts_school = bureau.licensed()
    conversion = {**CONVERSION, "planned_successor_name": "北京市海淀区思远培训学校"}

    with bureau.appends_nothing(arts_school):
        answer = bureau.send(arts_school, "conversion", conversion)

    assert refused(answer, 422)["rule"] == "conversion.eligible"


def test_only_an_institution_that_is_converting_completes_a_conversion(
    bureau: Bureau, refused: Any
) -> None:
    predecessor_id = bureau.academic_company()
    successor_id = bureau.successor(predecessor_id)

    with bureau.appends_nothing(predecessor_id):
        answer = bureau.complete_conversion(predecessor_id, successor_id)

    assert refused(answer, 422)["rule"] == "conversion.state"


def test_a_conversion_does_not_complete_into_an_unlicensed_successor(
    bureau: Bureau, refused: Any
) -> None:
    predecessor_id = bureau.converting()
    successor_id = bureau.successor(predecessor_id, licensed=False, supervised=False)

    with bureau.appends_nothing(predecessor_id):
        answer = bureau.complete_conversion(predecessor_id, successor_id)

    assert refused(answer, 422)["rule"] == "conversion.successor"


def test_a_conversion_does_not_complete_into_a_for_profit_company(
    bureau: Bureau, refused: Any
) -> None:
    predecessor_id = bureau.converting()
    company_id = bureau.legitimate(credit_code=bureau.new_credit_code())

    with bureau.appends_nothing(predecessor_id):
        answer = bureau.complete_conversion(predecessor_id, company_id)

    assert refused(answer, 422)["rule"] == "conversion.successor"


def test_a_conversion_does_not_complete_while_the_successor_has_no_fund_supervision(
    bureau: Bureau, refused: Any
) -> None:
    predecessor_id = bureau.converting()
    successor_id = bureau.successor(predecessor_id, supervised=False)

    with bureau.appends_nothing(predecessor_id):
        answer = bureau.complete_conversion(predecessor_id, successor_id)

    assert refused(answer, 422)["rule"] == "conversion.successor_supervision"


def test_a_conversion_does_not_complete_into_a_successor_nobody_registered(
    bureau: Bureau, refused: Any
) -> None:
    predecessor_id = bureau.converting()

    with bureau.appends_nothing(predecessor_id):
        answer = bureau.complete_conversion(predecessor_id, "5c1c3a9e-0000-4000-8000-000000000000")

    refused(answer, 404)


def test_an_abandoned_conversion_leaves_the_institution_licensed_with_the_abandonment_on_record(
    bureau: Bureau,
) -> None:
    institution_id = bureau.converting()

    answer = bureau.send(institution_id, "conversion/abandonment", ABANDONMENT)

    assert answer.status_code == 200, answer.text
    view = bureau.view(institution_id)
    assert view["status"] == "licensed"
    assert view["conversion"]["abandoned_on"] == ABANDONMENT["abandoned_on"]
    bureau.caught_up()
    page = bureau.client.get(f"/v1/public/institutions/{institution_id}").json()
    assert [c["status"] for c in page["status_history"]][-2:] == ["converting", "licensed"]
    listed = bureau.client.get("/v1/institutions", headers=bureau.headers).json()
    assert {i["id"]: i["status"] for i in listed["items"]}[institution_id] == "licensed"


def test_an_institution_not_converting_has_no_conversion_to_abandon_conversion_state(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.academic_company()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "conversion/abandonment", ABANDONMENT)

    assert refused(answer, 422)["rule"] == "conversion.state"


# -- cessation -------------------------------------------------------------------------------


def test_an_abnormal_closure_is_recorded_as_ceased(bureau: Bureau) -> None:
    institution_id = bureau.legitimate()

    bureau.cease(institution_id)

    view = bureau.view(institution_id)
    assert view["status"] == "ceased"
    assert view["cessation"]["kind"] == "abnormal"


def test_an_institution_that_has_ceased_does_not_cease_again(bureau: Bureau, refused: Any) -> None:
    institution_id = bureau.licensed()
    bureau.cease(institution_id)

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "cessation", ABNORMAL_CESSATION)

    assert refused(answer, 422)["rule"] == "cessation.state"


# -- blacklist -------------------------------------------------------------------------------


def test_a_blacklisted_institution_is_shown_as_blacklisted_until_removed(bureau: Bureau) -> None:
    institution_id = bureau.licensed()

    bureau.blacklist(institution_id)
    listed = bureau.view(institution_id)
    removal = bureau.remove_from_blacklist(institution_id)
    removed = bureau.view(institution_id)

    assert listed["blacklisted"] is True
    assert listed["blacklisting"]["reasons"] == BLACKLISTING["reasons"]
    assert removal.status_code == 200, removal.text
    assert removed["blacklisted"] is False


def test_an_institution_is_not_blacklisted_twice(bureau: Bureau, refused: Any) -> None:
    institution_id = bureau.licensed()
    bureau.blacklist(institution_id)

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "blacklisting", BLACKLISTING)

    assert refused(answer, 422)["rule"] == "blacklist.state"


def test_blacklisting_states_a_reason(bureau: Bureau, refused: Any) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "blacklisting", {**BLACKLISTING, "reasons": ["  "]})

    assert refused(answer, 422)["rule"] == "blacklist.reason"


def test_an_institution_not_on_the_blacklist_cannot_be_removed_from_it(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = bureau.remove_from_blacklist(institution_id)

    assert refused(answer, 422)["rule"] == "blacklist.state"


# -- deregistration --------------------------------------------------------------------------


def test_a_revoked_institution_is_deregistered(bureau: Bureau) -> None:
    institution_id = bureau.licensed()
    bureau.revoke(institution_id)

    answer = bureau.send(institution_id, "deregistration", DEREGISTRATION)

    assert answer.status_code == 200, answer.text
    view = bureau.view(institution_id)
    assert view["status"] == "deregistered"
    assert view["deregistration"]["reason"] == DEREGISTRATION["reason"]


def test_an_operating_institution_is_not_deregistered(bureau: Bureau, refused: Any) -> None:
    institution_id = bureau.legitimate()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "deregistration", DEREGISTRATION)

    assert refused(answer, 422)["rule"] == "deregistration.state"


def test_a_deregistered_institution_takes_no_further_inspection(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.licensed()
    bureau.revoke(institution_id)
    bureau.deregister(institution_id)

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "inspections", RECTIFY_INSPECTION)

    assert refused(answer, 422)["rule"] == "institution.closed"
