"""Revocation, conversion to non-profit (营转非), cessation, blacklist and deregistration (注销)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi.testclient import TestClient

if TYPE_CHECKING:
    from conftest import Bureau

Headers = dict[str, str]

DEREGISTRATION = {"deregistered_on": "2025-01-20", "reason": "办学许可证已被吊销，依法注销"}
CESSATION = {"kind": "abnormal", "ceased_on": "2025-01-15", "reason": "门店关闭，负责人失联"}


def _post(client: TestClient, key: Headers, institution_id: str, what: str, body: Any) -> Any:
    return client.post(f"/v1/institutions/{institution_id}/{what}", json=body, headers=key)


def _view(client: TestClient, key: Headers, institution_id: str) -> dict[str, Any]:
    view: dict[str, Any] = client.get(f"/v1/institutions/{institution_id}", headers=key).json()
    return view


# -- revocation ------------------------------------------------------------------------------


def test_a_revoked_licence_is_kept_with_its_notice_and_effect_dates(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.licensed()

    bureau.revoke(institution_id)

    view = _view(client, regulator_110108, institution_id)
    assert view["status"] == "revoked"
    assert view["revocation"]["notice_served_on"] == "2024-12-01"
    assert view["revocation"]["effective_on"] == "2024-12-16"


def test_a_revocation_cannot_take_effect_before_its_notice_was_served(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = _post(
            client,
            regulator_110108,
            institution_id,
            "revocation",
            {**bureau.REVOCATION, "notice_served_on": "2024-12-16", "effective_on": "2024-12-01"},
        )

    assert refused(answer, 422)["rule"] == "revocation.notice_before_effect"


def test_an_institution_never_licensed_has_no_licence_to_revoke(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.register()

    with bureau.appends_nothing(institution_id):
        answer = _post(client, regulator_110108, institution_id, "revocation", bureau.REVOCATION)

    assert refused(answer, 422)["rule"] == "revocation.state"


def test_a_revocation_without_a_decision_document_number_is_refused(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = _post(
            client,
            regulator_110108,
            institution_id,
            "revocation",
            {**bureau.REVOCATION, "decision_no": "\t"},
        )

    assert refused(answer, 422)["rule"] == "decision.document_number"


# -- conversion (营转非) -----------------------------------------------------------------------


def test_a_converted_institution_is_linked_to_its_non_profit_successor(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    predecessor_id = bureau.converting()
    successor_id = bureau.successor(predecessor_id)

    answer = _post(
        client,
        regulator_110108,
        predecessor_id,
        "conversion/completion",
        {"successor_id": successor_id, "completed_on": "2021-12-31"},
    )

    assert answer.status_code == 200, answer.text
    view = _view(client, regulator_110108, predecessor_id)
    assert view["status"] == "converted"
    assert view["conversion"]["successor_id"] == successor_id
    assert _view(client, regulator_110108, successor_id)["successor_of"] == predecessor_id


def test_conversion_is_only_for_a_licensed_for_profit_academic_institution(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    arts_school = bureau.licensed()

    with bureau.appends_nothing(arts_school):
        answer = _post(
            client,
            regulator_110108,
            arts_school,
            "conversion",
            {"started_on": "2021-09-01", "planned_successor_name": "北京市海淀区思远培训学校"},
        )

    assert refused(answer, 422)["rule"] == "conversion.eligible"


def test_only_an_institution_that_is_converting_completes_a_conversion(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    predecessor_id = bureau.academic_company()
    successor_id = bureau.successor(predecessor_id)

    with bureau.appends_nothing(predecessor_id):
        answer = _post(
            client,
            regulator_110108,
            predecessor_id,
            "conversion/completion",
            {"successor_id": successor_id, "completed_on": "2021-12-31"},
        )

    assert refused(answer, 422)["rule"] == "conversion.state"


def test_a_conversion_does_not_complete_into_an_unlicensed_successor(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    predecessor_id = bureau.converting()
    successor_id = bureau.successor(predecessor_id, licensed=False, supervised=False)

    with bureau.appends_nothing(predecessor_id):
        answer = _post(
            client,
            regulator_110108,
            predecessor_id,
            "conversion/completion",
            {"successor_id": successor_id, "completed_on": "2021-12-31"},
        )

    assert refused(answer, 422)["rule"] == "conversion.successor"


def test_a_conversion_does_not_complete_into_a_for_profit_company(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    predecessor_id = bureau.converting()
    company_id = bureau.legitimate(credit_code=bureau.new_credit_code())

    with bureau.appends_nothing(predecessor_id):
        answer = _post(
            client,
            regulator_110108,
            predecessor_id,
            "conversion/completion",
            {"successor_id": company_id, "completed_on": "2021-12-31"},
        )

    assert refused(answer, 422)["rule"] == "conversion.successor"


def test_a_conversion_does_not_complete_while_the_successor_has_no_fund_supervision(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    predecessor_id = bureau.converting()
    successor_id = bureau.successor(predecessor_id, supervised=False)

    with bureau.appends_nothing(predecessor_id):
        answer = _post(
            client,
            regulator_110108,
            predecessor_id,
            "conversion/completion",
            {"successor_id": successor_id, "completed_on": "2021-12-31"},
        )

    assert refused(answer, 422)["rule"] == "conversion.successor_supervision"


def test_a_conversion_does_not_complete_into_a_successor_nobody_registered(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    predecessor_id = bureau.converting()

    with bureau.appends_nothing(predecessor_id):
        answer = _post(
            client,
            regulator_110108,
            predecessor_id,
            "conversion/completion",
            {"successor_id": "5c1c3a9e-0000-4000-8000-000000000000", "completed_on": "2021-12-31"},
        )

    refused(answer, 404)


# -- cessation -------------------------------------------------------------------------------


def test_an_abnormal_closure_is_recorded_as_ceased(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.legitimate()

    _post(client, regulator_110108, institution_id, "cessation", CESSATION)

    view = _view(client, regulator_110108, institution_id)
    assert view["status"] == "ceased"
    assert view["cessation"]["kind"] == "abnormal"


def test_an_institution_that_has_ceased_does_not_cease_again(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()
    _post(client, regulator_110108, institution_id, "cessation", CESSATION)

    with bureau.appends_nothing(institution_id):
        answer = _post(client, regulator_110108, institution_id, "cessation", CESSATION)

    assert refused(answer, 422)["rule"] == "cessation.state"


# -- blacklist -------------------------------------------------------------------------------


def test_a_blacklisted_institution_is_shown_as_blacklisted_until_removed(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.licensed()

    bureau.blacklist(institution_id)
    listed = _view(client, regulator_110108, institution_id)
    removal = client.request(
        "DELETE",
        f"/v1/institutions/{institution_id}/blacklisting",
        json={"decision_no": "海教黑移字〔2025〕第001号"},
        headers=regulator_110108,
    )
    removed = _view(client, regulator_110108, institution_id)

    assert listed["blacklisted"] is True
    assert listed["blacklisting"]["reasons"] == bureau.BLACKLISTING["reasons"]
    assert removal.status_code == 200, removal.text
    assert removed["blacklisted"] is False


def test_an_institution_is_not_blacklisted_twice(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()
    bureau.blacklist(institution_id)

    with bureau.appends_nothing(institution_id):
        answer = _post(
            client, regulator_110108, institution_id, "blacklisting", bureau.BLACKLISTING
        )

    assert refused(answer, 422)["rule"] == "blacklist.state"


def test_blacklisting_states_a_reason(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = _post(
            client,
            regulator_110108,
            institution_id,
            "blacklisting",
            {**bureau.BLACKLISTING, "reasons": ["  "]},
        )

    assert refused(answer, 422)["rule"] == "blacklist.reason"


def test_an_institution_not_on_the_blacklist_cannot_be_removed_from_it(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = client.request(
            "DELETE",
            f"/v1/institutions/{institution_id}/blacklisting",
            json={"decision_no": "海教黑移字〔2025〕第001号"},
            headers=regulator_110108,
        )

    assert refused(answer, 422)["rule"] == "blacklist.state"


# -- deregistration --------------------------------------------------------------------------


def test_a_revoked_institution_is_deregistered(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.licensed()
    bureau.revoke(institution_id)

    answer = _post(client, regulator_110108, institution_id, "deregistration", DEREGISTRATION)

    assert answer.status_code == 200, answer.text
    view = _view(client, regulator_110108, institution_id)
    assert view["status"] == "deregistered"
    assert view["deregistration"]["reason"] == DEREGISTRATION["reason"]


def test_an_operating_institution_is_not_deregistered(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.legitimate()

    with bureau.appends_nothing(institution_id):
        answer = _post(client, regulator_110108, institution_id, "deregistration", DEREGISTRATION)

    assert refused(answer, 422)["rule"] == "deregistration.state"


def test_a_deregistered_institution_takes_no_further_inspection(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()
    bureau.revoke(institution_id)
    _post(client, regulator_110108, institution_id, "deregistration", DEREGISTRATION)

    with bureau.appends_nothing(institution_id):
        answer = _post(
            client, regulator_110108, institution_id, "inspections", bureau.RECTIFY_INSPECTION
        )

    assert refused(answer, 422)["rule"] == "institution.closed"
