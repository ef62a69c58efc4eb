"""The conventions every client relies on: problem+json refusals, versions, OpenAPI."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.builders.bodies import BLACKLISTING, REVOCATION, SUSPENSION
from tests.builders.bureau import Bureau

Headers = dict[str, str]


def test_a_path_the_api_does_not_have_is_not_found_as_a_problem(
    client: TestClient, regulator_110108: Headers, refused
) -> None:
    refused(client.get("/v1/training-schools", headers=regulator_110108), 404)


def test_an_action_the_api_does_not_have_is_not_found_as_a_problem(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.register()

    with bureau.appends_nothing(institution_id):
        answer = client.post(
            f"/v1/institutions/{institution_id}/commendation",
            json={"reason": "办学规范"},
            headers=regulator_110108,
        )

    refused(answer, 404)


def test_a_method_the_path_does_not_take_is_refused_naming_the_methods_it_does(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.register()

    with bureau.appends_nothing(institution_id):
        answer = client.put(
            f"/v1/institutions/{institution_id}", json={"name": "改名"}, headers=regulator_110108
        )

    refused(answer, 405)
    assert "GET" in answer.headers.get("allow", "")


def test_a_rule_violation_names_its_rule_in_the_problem(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()

    answer = client.post(
        f"/v1/institutions/{institution_id}/revocation",
        json={**REVOCATION, "effective_on": "2024-11-30"},
        headers=regulator_110108,
    )

    problem = refused(answer, 422)
    assert problem["rule"] == "revocation.notice_before_effect"
    assert problem["type"] == "urn:registry:rule:revocation.notice_before_effect"
    assert problem["title"]


@pytest.mark.parametrize("if_match", ["3", '"3"', 'W/"3"', "*"])
def test_if_match_takes_the_version_quoted_weak_or_any(
    if_match: str, bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.legitimate()

    answer = client.post(
        f"/v1/institutions/{institution_id}/suspension",
        json=SUSPENSION,
        headers={**regulator_110108, "If-Match": if_match},
    )

    assert answer.status_code == 200, answer.text
    assert answer.json()["version"] == 4


@pytest.mark.parametrize("if_match", ['"v3"', '"3", "4"', "version three"])
def test_an_if_match_that_is_not_a_version_is_refused_and_records_nothing(
    if_match: str, bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.legitimate()

    with bureau.appends_nothing(institution_id):
        answer = client.post(
            f"/v1/institutions/{institution_id}/suspension",
            json=SUSPENSION,
            headers={**regulator_110108, "If-Match": if_match},
        )

    problem = refused(answer, 422)
    assert problem["errors"][0]["loc"] == ["If-Match"]


def test_the_etag_of_a_read_is_the_if_match_of_the_next_write(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.legitimate()
    etag = client.get(f"/v1/institutions/{institution_id}", headers=regulator_110108).headers[
        "etag"
    ]

    answer = client.post(
        f"/v1/institutions/{institution_id}/suspension",
        json=SUSPENSION,
        headers={**regulator_110108, "If-Match": etag},
    )

    assert answer.status_code == 200, answer.text
    assert answer.headers["etag"] == f'"{int(etag.strip(chr(34))) + 1}"'


def test_two_bureaus_writing_on_the_same_version_cannot_both_succeed(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, admin: Headers, refused
) -> None:
    institution_id = bureau.legitimate()
    seen = {"If-Match": '"3"'}
    first = client.post(
        f"/v1/institutions/{institution_id}/suspension",
        json=SUSPENSION,
        headers={**regulator_110108, **seen},
    )

    with bureau.appends_nothing(institution_id):
        second = client.post(
            f"/v1/institutions/{institution_id}/blacklisting",
            json=BLACKLISTING,
            headers={**admin, **seen},
        )

    assert first.status_code == 200, first.text
    refused(second, 409)


INSTITUTION_OPERATIONS = {
    ("post", "/v1/institutions"),
    ("get", "/v1/institutions/{institution_id}"),
    ("get", "/v1/institutions/{institution_id}/events"),
    ("post", "/v1/institutions/{institution_id}/licence"),
    ("post", "/v1/institutions/{institution_id}/licence/renewal"),
    ("post", "/v1/institutions/{institution_id}/supervision"),
    ("post", "/v1/institutions/{institution_id}/staff"),
    ("post", "/v1/institutions/{institution_id}/inspections"),
    ("post", "/v1/institutions/{institution_id}/rectification-orders"),
    ("post", "/v1/institutions/{institution_id}/rectification-orders/{order_id}/verification"),
    ("post", "/v1/institutions/{institution_id}/suspension"),
    ("post", "/v1/institutions/{institution_id}/suspension/lift"),
    ("post", "/v1/institutions/{institution_id}/penalties"),
    ("post", "/v1/institutions/{institution_id}/revocation"),
    ("post", "/v1/institutions/{institution_id}/conversion"),
    ("post", "/v1/institutions/{institution_id}/conversion/completion"),
    ("post", "/v1/institutions/{institution_id}/cessation"),
    ("post", "/v1/institutions/{institution_id}/blacklisting"),
    ("delete", "/v1/institutions/{institution_id}/blacklisting"),
    ("post", "/v1/institutions/{institution_id}/deregistration"),
}


def test_the_openapi_document_describes_every_institution_operation(client: TestClient) -> None:
    document = client.get("/openapi.json")

    assert document.status_code == 200
    described = {
        (method, path)
        for path, operations in document.json()["paths"].items()
        for method in operations
    }
    assert INSTITUTION_OPERATIONS <= described


def test_the_interactive_documentation_is_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
