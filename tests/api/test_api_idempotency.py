"""Retried writes (Idempotency-Key): the first answer again, and nothing recorded twice."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from registry.bootstrap import build_services
from registry.settings import Settings
from tests.builders.bodies import LICENCE, RECTIFY_INSPECTION, SUSPENSION, registration
from tests.builders.bureau import Bureau

Headers = dict[str, str]

KEY = "hdjw-2024-11-20-0001"


def _with_key(key: Headers, idempotency_key: str = KEY) -> Headers:
    return {**key, "Idempotency-Key": idempotency_key}


def test_a_retried_registration_gets_the_first_answer_and_registers_nothing_more(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    first = client.post(
        "/v1/institutions", json=registration(), headers=_with_key(regulator_110108)
    )
    assert first.status_code == 201, first.text
    assert "idempotency-replayed" not in first.headers

    with bureau.appends_nothing(first.json()["id"]):
        again = client.post(
            "/v1/institutions", json=registration(), headers=_with_key(regulator_110108)
        )

    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotency-replayed"] == "true"
    assert again.headers["etag"] == first.headers["etag"]


def test_a_retried_inspection_answers_the_same_inspection_and_records_it_once(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.licensed()
    path = f"/v1/institutions/{institution_id}/inspections"
    first = client.post(path, json=RECTIFY_INSPECTION, headers=_with_key(regulator_110108))

    with bureau.appends_nothing(institution_id):
        again = client.post(path, json=RECTIFY_INSPECTION, headers=_with_key(regulator_110108))

    assert (again.status_code, again.json()) == (201, first.json())
    assert again.headers["idempotency-replayed"] == "true"
    view = client.get(f"/v1/institutions/{institution_id}", headers=regulator_110108).json()
    assert [i["id"] for i in view["inspections"]] == [first.json()["id"]]


def test_a_retried_suspension_answers_the_same_position(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.licensed()
    path = f"/v1/institutions/{institution_id}/suspension"
    first = client.post(path, json=SUSPENSION, headers=_with_key(regulator_110108))

    with bureau.appends_nothing(institution_id):
        again = client.post(path, json=SUSPENSION, headers=_with_key(regulator_110108))

    assert again.status_code == 200
    assert again.json()["position"] == first.json()["position"]
    assert again.json()["version"] == first.json()["version"] == 3


def test_the_same_key_with_a_different_body_is_refused_and_records_nothing(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()
    path = f"/v1/institutions/{institution_id}/suspension"
    client.post(path, json=SUSPENSION, headers=_with_key(regulator_110108))
    different = {**SUSPENSION, "reason": "未按规定公示收费标准"}

    with bureau.appends_nothing(institution_id):
        answer = client.post(path, json=different, headers=_with_key(regulator_110108))

    problem = refused(answer, 422)
    assert problem["errors"][0]["loc"] == ["Idempotency-Key"]


def test_the_same_key_on_another_institution_is_refused(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    first_id = bureau.register()
    second_id = bureau.register(
        name="北京博文书画培训有限公司", credit_code=bureau.new_credit_code()
    )
    client.post(
        f"/v1/institutions/{first_id}/licence",
        json=LICENCE,
        headers=_with_key(regulator_110108),
    )

    with bureau.appends_nothing(second_id):
        answer = client.post(
            f"/v1/institutions/{second_id}/licence",
            json=LICENCE,
            headers=_with_key(regulator_110108),
        )

    refused(answer, 422)


def test_a_refused_request_does_not_use_up_its_key(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()
    path = f"/v1/institutions/{institution_id}/suspension"
    stale = {**_with_key(regulator_110108), "If-Match": '"1"'}
    refused(client.post(path, json=SUSPENSION, headers=stale), 409)

    retried = client.post(
        path, json=SUSPENSION, headers={**_with_key(regulator_110108), "If-Match": '"2"'}
    )

    assert retried.status_code == 200, retried.text
    assert "idempotency-replayed" not in retried.headers
    assert retried.json()["version"] == 3


def test_keys_of_different_bureaus_do_not_collide(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, admin: Headers
) -> None:
    institution_id = bureau.licensed()
    client.post(
        f"/v1/institutions/{institution_id}/inspections",
        json=RECTIFY_INSPECTION,
        headers=_with_key(regulator_110108),
    )

    answer = client.post(
        f"/v1/institutions/{institution_id}/penalties",
        json={
            "decision_no": "教监罚字〔2024〕第001号",
            "kinds": ["warning"],
            "decided_on": "2024-11-25",
        },
        headers=_with_key(admin),
    )

    assert answer.status_code == 200, answer.text
    assert "idempotency-replayed" not in answer.headers


def test_an_idempotency_key_longer_than_two_hundred_characters_is_refused(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    with bureau.appends_nothing():
        answer = client.post(
            "/v1/institutions",
            json=registration(),
            headers=_with_key(regulator_110108, "k" * 201),
        )

    refused(answer, 422)


ONLINE_SCHOOL = registration(
    name="北京云端书画在线教育科技有限公司",
    address="北京市海淀区上地十街10号",
    subjects=["书法", "国画"],
    delivery="online",
    legal_representative="周敏",
    icp_number="京ICP备2021012345号",
)


def test_a_retry_after_a_restart_still_gets_the_first_answer(settings: Settings) -> None:
    before = build_services(settings)
    _, secret = before.keys.create("regulator", ["110108"], "北京市海淀区教育委员会")
    key = {"Authorization": f"Bearer {secret}", "Idempotency-Key": KEY}
    with TestClient(create_app(settings, before)) as client:
        first = client.post("/v1/institutions", json=ONLINE_SCHOOL, headers=key)
    assert first.status_code == 201, first.text
    before.close()

    after = build_services(settings)
    try:
        head = after.registry.store.head()
        with TestClient(create_app(settings, after)) as client:
            again = client.post("/v1/institutions", json=ONLINE_SCHOOL, headers=key)
        assert after.registry.store.head() == head
    finally:
        after.close()

    assert (again.status_code, again.json()) == (201, first.json())
    assert again.headers["idempotency-replayed"] == "true"


def test_an_app_that_opens_its_own_services_replays_after_a_restart(settings: Settings) -> None:
    services = build_services(settings)
    _, secret = services.keys.create("regulator", ["110108"], "北京市海淀区教育委员会")
    services.close()
    key = {"Authorization": f"Bearer {secret}"}

    with TestClient(create_app(settings)) as client:
        first = client.post(
            "/v1/institutions", json=ONLINE_SCHOOL, headers={**key, "Idempotency-Key": KEY}
        )
    with TestClient(create_app(settings)) as client:
        again = client.post(
            "/v1/institutions", json=ONLINE_SCHOOL, headers={**key, "Idempotency-Key": KEY}
        )
        events = client.get(f"/v1/institutions/{first.json()['id']}/events", headers=key).json()

    assert first.status_code == 201, first.text
    assert again.json() == first.json()
    assert again.headers["idempotency-replayed"] == "true"
    assert [e["type"] for e in events["items"]] == ["InstitutionRegistered"]
