"""Registering an institution (登记): POST /v1/institutions, one registration per credit code."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, uuid4, uuid5

import pytest
from fastapi.testclient import TestClient

from registry.bootstrap import Services
from tests.builders.bodies import registration
from tests.builders.bureau import Bureau
from tests.builders.codes import SIYUAN_CODE, XUHUI_CODE

Headers = dict[str, str]


def test_a_district_regulator_registers_an_institution_of_its_district(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    answer = client.post("/v1/institutions", json=registration(), headers=regulator_110108)

    assert answer.status_code == 201, answer.text
    written = answer.json()
    assert written == {
        "id": str(uuid5(NAMESPACE_URL, f"/institutions/{SIYUAN_CODE}")),
        "version": 1,
        "position": bureau.head(),
    }
    assert answer.headers["etag"] == '"1"'
    view = client.get(f"/v1/institutions/{written['id']}", headers=regulator_110108).json()
    assert view["status"] == "registered"
    assert view["name"] == "北京思远教育科技有限公司"
    assert view["credit_code"] == SIYUAN_CODE
    assert view["licence"] is None and view["supervision"] is None


def test_an_administrator_registers_an_institution_of_any_district(
    bureau: Bureau, client: TestClient, admin: Headers
) -> None:
    body = registration(
        name="上海徐汇启航艺术培训有限公司",
        credit_code=XUHUI_CODE,
        district_code="310104",
        address="上海市徐汇区漕溪北路88号圣爱大厦5楼",
    )

    answer = client.post("/v1/institutions", json=body, headers=admin)

    assert answer.status_code == 201, answer.text


def test_an_online_institution_registers_with_its_icp_filing_number(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    body = registration(
        name="北京云端书画在线教育科技有限公司",
        credit_code=bureau.new_credit_code(),
        delivery="online",
        icp_number="京ICP备2021012345号",
    )

    answer = client.post("/v1/institutions", json=body, headers=regulator_110108)

    assert answer.status_code == 201, answer.text
    view = client.get(f"/v1/institutions/{answer.json()['id']}", headers=regulator_110108).json()
    assert view["icp_number"] == "京ICP备2021012345号"


def test_a_regulator_may_not_register_an_institution_outside_its_districts(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    body = registration(
        name="上海徐汇启航艺术培训有限公司",
        credit_code=XUHUI_CODE,
        district_code="310104",
    )

    with bureau.appends_nothing():
        answer = client.post("/v1/institutions", json=body, headers=regulator_110108)

    problem = refused(answer, 403)
    assert "310104" in problem["detail"]


@pytest.mark.parametrize("role", ["feed_110108", "court"])
def test_a_bank_feed_or_a_court_may_not_register_an_institution(
    role: str, bureau: Bureau, client: TestClient, request: pytest.FixtureRequest, refused
) -> None:
    with bureau.appends_nothing():
        answer = client.post(
            "/v1/institutions", json=registration(), headers=request.getfixturevalue(role)
        )

    refused(answer, 403)


def test_registering_without_a_key_is_refused(bureau: Bureau, client: TestClient, refused) -> None:
    with bureau.appends_nothing():
        answer = client.post("/v1/institutions", json=registration())

    refused(answer, 401)


def test_registering_with_an_unknown_key_is_refused(
    bureau: Bureau, client: TestClient, refused
) -> None:
    with bureau.appends_nothing():
        answer = client.post(
            "/v1/institutions",
            json=registration(),
            headers={"Authorization": "Bearer rk_feedface_guessed"},
        )

    refused(answer, 401)


def test_registering_with_a_revoked_key_is_refused(
    bureau: Bureau, client: TestClient, services: Services, refused
) -> None:
    info, secret = services.keys.create("regulator", ["110108"], "海淀区教委（旧密钥）")
    services.keys.revoke(info.id)

    with bureau.appends_nothing():
        answer = client.post(
            "/v1/institutions",
            json=registration(),
            headers={"Authorization": f"Bearer {secret}"},
        )

    refused(answer, 401)


def test_a_credit_code_already_registered_is_refused_as_a_conflict(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.register()
    again = registration(name="北京思远艺术培训学校", address="北京市海淀区学院路30号")

    with bureau.appends_nothing(institution_id):
        answer = client.post("/v1/institutions", json=again, headers=regulator_110108)

    problem = refused(answer, 409)
    assert SIYUAN_CODE in problem["detail"]


def test_a_credit_code_written_in_lower_case_is_the_same_credit_code(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.register()
    again = registration(credit_code=SIYUAN_CODE.lower())

    with bureau.appends_nothing(institution_id):
        answer = client.post("/v1/institutions", json=again, headers=regulator_110108)

    refused(answer, 409)


@pytest.mark.parametrize(
    "credit_code",
    ["91110108551385082A", "9111010855138508", "91110108551385082QX", "91110108S5138508ZQ"],
    ids=["wrong check character", "too short", "too long", "letter S not in the alphabet"],
)
def test_a_credit_code_that_fails_gb_32100_is_refused_by_the_check_rule(
    credit_code: str, bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    with bureau.appends_nothing():
        answer = client.post(
            "/v1/institutions",
            json=registration(credit_code=credit_code),
            headers=regulator_110108,
        )

    problem = refused(answer, 422)
    assert problem["rule"] == "institution.uscc_check"


def test_a_district_code_that_is_no_division_code_is_refused(
    bureau: Bureau, client: TestClient, admin: Headers, refused
) -> None:
    with bureau.appends_nothing():
        answer = client.post(
            "/v1/institutions", json=registration(district_code="000108"), headers=admin
        )

    assert refused(answer, 422)["rule"] == "institution.district_code"


def test_an_online_institution_without_an_icp_filing_number_is_refused(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    with bureau.appends_nothing():
        answer = client.post(
            "/v1/institutions",
            json=registration(delivery="online"),
            headers=regulator_110108,
        )

    assert refused(answer, 422)["rule"] == "institution.online_icp"


def test_a_successor_of_an_institution_nobody_registered_is_not_found(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    with bureau.appends_nothing():
        answer = client.post(
            "/v1/institutions",
            json=registration(successor_of=str(uuid4())),
            headers=regulator_110108,
        )

    refused(answer, 404)


def _without(field: str) -> dict[str, Any]:
    body = registration(address="北京市海淀区中关村大街27号", subjects=["美术"])
    del body[field]
    return body


MALFORMED_REGISTRATIONS = {
    "no name": (_without("name"), "name"),
    "no legal representative": (_without("legal_representative"), "legal_representative"),
    "subjects as a string": ({**_without("subjects"), "subjects": "美术"}, "subjects"),
    "no subject at all": ({**_without("subjects"), "subjects": []}, "subjects"),
    "a category not in the law": ({**_without("category"), "category": "tutoring"}, "category"),
    "a legal form not in the law": (
        {**_without("legal_form"), "legal_form": "个体户"},
        "legal_form",
    ),
    "a credit code as a number": ({**_without("credit_code"), "credit_code": 9111}, "credit_code"),
    "a field the API does not know": ({**_without("name"), "name": "思远", "资质": "A"}, "资质"),
}


@pytest.mark.parametrize("malformed", MALFORMED_REGISTRATIONS)
def test_a_malformed_registration_is_refused_naming_the_field(
    malformed: str, bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    body, field = MALFORMED_REGISTRATIONS[malformed]

    with bureau.appends_nothing():
        answer = client.post("/v1/institutions", json=body, headers=regulator_110108)

    problem = refused(answer, 422)
    assert any(field in error["loc"] for error in problem["errors"]), problem["errors"]


def test_a_registration_that_is_not_json_is_refused(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    with bureau.appends_nothing():
        answer = client.post(
            "/v1/institutions",
            content=b'{"name": "\xe6\x80\x9d\xe8\xbf\x9c", "credit_code": ',
            headers={**regulator_110108, "Content-Type": "application/json"},
        )

    refused(answer, 422)
