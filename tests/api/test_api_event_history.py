"""An institution's audit trail (GET /v1/institutions/{id}/events): every event, in order."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from registry.bootstrap import Services
from tests.builders.bodies import LICENCE, RECTIFY_INSPECTION, SUSPENSION, registration
from tests.builders.bureau import Bureau

Headers = dict[str, str]


def _events(client: TestClient, key: Headers, institution_id: str, **params: Any) -> Any:
    return client.get(f"/v1/institutions/{institution_id}/events", headers=key, params=params)


def _history(bureau: Bureau) -> tuple[str, list[int]]:
    """An institution with five events; the positions its writes answered."""
    positions = []
    written = bureau.post("/v1/institutions", registration(), 201)
    institution_id = written["id"]
    positions.append(written["position"])
    positions.append(bureau.license(institution_id)["position"])
    positions.append(bureau.supervise(institution_id)["position"])
    inspection = bureau.post(
        f"/v1/institutions/{institution_id}/inspections", RECTIFY_INSPECTION, 201
    )
    positions.append(inspection["position"])
    positions.append(
        bureau.post(f"/v1/institutions/{institution_id}/suspension", SUSPENSION)["position"]
    )
    return institution_id, positions


def _cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def test_the_events_come_in_the_order_they_were_recorded_with_the_positions_the_writes_answered(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id, positions = _history(bureau)

    page = _events(client, regulator_110108, institution_id).json()

    items = page["items"]
    assert [e["type"] for e in items] == [
        "InstitutionRegistered",
        "LicenceIssued",
        "FundSupervisionEstablished",
        "InspectionRecorded",
        "EnrolmentSuspended",
    ]
    assert [e["version"] for e in items] == [1, 2, 3, 4, 5]
    assert [e["position"] for e in items] == positions
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    assert page["next_cursor"] is None


def test_each_event_names_the_key_that_caused_it(
    bureau: Bureau, client: TestClient, services: Services, admin: Headers
) -> None:
    institution_id = bureau.register()
    client.post(f"/v1/institutions/{institution_id}/licence", json=LICENCE, headers=admin)
    keys = {k.name: k for k in services.keys.list()}

    registered, licensed = _events(client, admin, institution_id).json()["items"]

    regulator = keys["北京市海淀区教育委员会"]
    assert registered["actor"] == {
        "id": regulator.id,
        "role": "regulator",
        "districts": ["110108"],
    }
    assert licensed["actor"]["id"] == keys["教育部校外教育培训监管司"].id
    assert licensed["actor"]["role"] == "admin"


def test_each_event_carries_its_record_time_and_the_facts_decided(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.licensed()

    _, licensed = _events(client, regulator_110108, institution_id).json()["items"]

    assert datetime.fromisoformat(licensed["recorded_at"]).utcoffset() is not None
    assert licensed["data"]["licence_no"] == LICENCE["licence_no"]
    assert licensed["data"]["valid_to"] == "2027-08-31"


def test_paging_two_at_a_time_walks_every_event_exactly_once(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id, positions = _history(bureau)
    seen: list[int] = []
    pages = 0
    cursor = None

    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor is not None:
            params["cursor"] = cursor
        answer = _events(client, regulator_110108, institution_id, **params)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert len(page["items"]) <= 2
        seen += [e["position"] for e in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == positions
    assert pages == 3


def test_a_page_exactly_as_long_as_the_history_has_no_next_page(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.licensed()

    page = _events(client, regulator_110108, institution_id, limit=2).json()

    assert len(page["items"]) == 2
    assert page["next_cursor"] is None


@pytest.mark.parametrize("limit", [0, 501, -1, "五十"])
def test_a_page_size_outside_one_to_five_hundred_is_refused(
    limit: Any, bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.register()

    problem = refused(_events(client, regulator_110108, institution_id, limit=limit), 422)
    assert problem["errors"][0]["loc"] == ["query", "limit"]


def test_the_largest_page_size_is_five_hundred(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.register()

    assert _events(client, regulator_110108, institution_id, limit=500).status_code == 200


@pytest.mark.parametrize(
    "cursor",
    ["garbage!!", "eyJ2Ijo", _cursor([1, 2]), _cursor({"v": -3}), _cursor({"v": "2"})],
    ids=["not base64", "truncated", "not an object", "a negative version", "a text version"],
)
def test_a_cursor_the_api_did_not_issue_is_refused(
    cursor: str, bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()

    refused(_events(client, regulator_110108, institution_id, cursor=cursor), 422)


@pytest.mark.parametrize(
    "cursor",
    [_cursor({"v": True}), _cursor({"v": 10**30})],
    ids=["a boolean version", "a version beyond any integer column"],
)
def test_a_forged_cursor_is_refused_rather_than_failing_the_server(
    cursor: str, bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()

    refused(_events(client, regulator_110108, institution_id, cursor=cursor), 422)


def test_the_events_of_an_institution_nobody_registered_are_not_found(
    client: TestClient, regulator_110108: Headers, refused
) -> None:
    refused(_events(client, regulator_110108, str(uuid4())), 404)


def test_the_audit_trail_needs_a_key(bureau: Bureau, client: TestClient, refused) -> None:
    institution_id = bureau.register()

    refused(client.get(f"/v1/institutions/{institution_id}/events"), 401)


@pytest.mark.parametrize("reader", ["feed_110108", "court", "regulator_310104"])
def test_the_audit_trail_is_for_the_institutions_own_regulator(
    reader: str, bureau: Bureau, client: TestClient, request: pytest.FixtureRequest, refused
) -> None:
    institution_id = bureau.register()

    refused(_events(client, request.getfixturevalue(reader), institution_id), 403)
