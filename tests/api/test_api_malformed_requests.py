"""Bad input is refused with 422 and its field errors, never a 500, and never records anything."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.builders.bodies import SUSPENSION, registration
from tests.builders.bureau import Bureau
from tests.builders.routes import RegulatorCommand, Target

Headers = dict[str, str]


def _without_a_required_field(
    command: RegulatorCommand, target: Target
) -> tuple[dict[str, Any], str]:
    body = command.body_for(target)
    del body[command.required]
    return body, command.required


def _with_a_wrong_type(command: RegulatorCommand, target: Target) -> tuple[dict[str, Any], str]:
    name, value = command.wrong_type
    return {**command.body_for(target), name: value}, name


def _with_an_unknown_field(command: RegulatorCommand, target: Target) -> tuple[dict[str, Any], str]:
    return {**command.body_for(target), "remarks": "经办人：张科长"}, "remarks"


MALFORMED = {
    "a required field missing": _without_a_required_field,
    "a field of the wrong type": _with_a_wrong_type,
    "a field the API does not know": _with_an_unknown_field,
}


@pytest.mark.parametrize("malformation", MALFORMED)
def test_a_malformed_body_is_refused_naming_the_field_and_records_nothing(
    command: RegulatorCommand,
    malformation: str,
    bureau: Bureau,
    client: TestClient,
    regulator_110108: Headers,
    refused,
) -> None:
    target = command.given(bureau)
    body, field = MALFORMED[malformation](command, target)

    with bureau.appends_nothing(target.institution_id):
        answer = command.send(client, target, regulator_110108, body=body)

    problem = refused(answer, 422)
    assert any(field in error["loc"] for error in problem["errors"]), problem["errors"]


def test_a_body_that_is_not_json_is_refused_and_records_nothing(
    command: RegulatorCommand,
    bureau: Bureau,
    client: TestClient,
    regulator_110108: Headers,
    refused,
) -> None:
    target = command.given(bureau)

    with bureau.appends_nothing(target.institution_id):
        answer = command.send(
            client,
            target,
            regulator_110108,
            content='{"decision_no": "海教罚决字〔2024〕第017号",'.encode(),
            headers={"Content-Type": "application/json"},
        )

    problem = refused(answer, 422)
    assert problem["errors"][0]["type"] == "json_invalid"


@pytest.mark.parametrize(
    "body",
    [None, [], "海教罚决字", 17],
    ids=["no body", "a JSON array", "a JSON string", "a JSON number"],
)
def test_a_body_that_is_not_a_json_object_is_refused(
    body: Any, bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = client.post(
            f"/v1/institutions/{institution_id}/suspension", json=body, headers=regulator_110108
        )

    refused(answer, 422)


def test_text_longer_than_the_register_keeps_is_refused(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = client.post(
            f"/v1/institutions/{institution_id}/suspension",
            json={**SUSPENSION, "decision_no": "海" * 101},
            headers=regulator_110108,
        )

    problem = refused(answer, 422)
    assert ["body", "decision_no"] == problem["errors"][0]["loc"]


def test_an_impossible_calendar_date_is_refused(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = client.post(
            f"/v1/institutions/{institution_id}/suspension",
            json={**SUSPENSION, "effective_from": "2025-02-30"},
            headers=regulator_110108,
        )

    refused(answer, 422)


def test_an_institution_id_that_is_not_a_uuid_is_refused_without_a_server_error(
    client: TestClient, regulator_110108: Headers, refused
) -> None:
    answer = client.get("/v1/institutions/思远教育", headers=regulator_110108)

    assert answer.status_code in (404, 422)
    refused(answer, answer.status_code)


@pytest.mark.parametrize("text", ["思远\x00教育", "思远\x1b[2J教育"])
def test_a_name_with_a_control_character_is_refused_and_the_read_models_keep_running(
    text: str, bureau: Bureau, client: TestClient, admin: Headers, refused
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing():
        answer = client.post("/v1/institutions", json=registration(name=text), headers=admin)
    suspended = client.post(
        f"/v1/institutions/{institution_id}/suspension",
        json={**SUSPENSION, "reason": f"经查{text}"},
        headers=admin,
    )

    problem = refused(answer, 422)
    assert "body.name holds a control character" in problem["detail"]
    refused(suspended, 422)
    listed = client.get("/v1/public/institutions", params={"status": "licensed"})
    assert listed.status_code == 200, "the projector applied everything before it"


@pytest.mark.parametrize("path", ["/v1/public/institutions", "/"])
def test_a_search_with_a_control_character_is_refused_without_a_server_error(
    path: str, client: TestClient
) -> None:
    answer = client.get(path, params={"q": "思远\x00"})

    assert answer.status_code in (400, 422), answer.text
