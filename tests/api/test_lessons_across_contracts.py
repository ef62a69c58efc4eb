"""A package split into two contracts of one pupil, over HTTP: the second charge is flagged
``prepaid.max_lessons``. SQLite and, when reachable, PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.builders.bodies import PAYMENT, contract_body
from tests.builders.bureau import Bureau

Headers = dict[str, str]

FORTY_LESSONS = {"paid_lessons": 40, "gift_lessons": 0, "price_per_lesson_fen": 5_000}
FORTY_PAID = {**PAYMENT, "amount_fen": 200_000, "lessons_covered": 40}


def signed_and_paid(client: TestClient, feed: Headers, institution_id: str, pupil_ref: str) -> str:
    body = contract_body(institution_id, pupil_ref=pupil_ref, **FORTY_LESSONS)
    contract = client.post("/v1/contracts", json=body, headers=feed).json()["id"]
    answer = client.post(f"/v1/contracts/{contract}/payments", json=FORTY_PAID, headers=feed)
    assert answer.status_code == 200, answer.text
    return str(contract)


def rules(client: TestClient, reader: Headers, contract: str) -> list[str]:
    view = client.get(f"/v1/contracts/{contract}", headers=reader).json()
    return [b["rule"] for b in view["breaches"]]


def test_a_package_split_into_two_contracts_of_one_pupil_is_flagged_max_lessons(
    bureau: Bureau, client: TestClient, feed_110108: Headers, regulator_110108: Headers
) -> None:
    school = bureau.legitimate()
    first = signed_and_paid(client, feed_110108, school, "pupil-2026-0417")
    other_pupil = signed_and_paid(client, feed_110108, school, "pupil-2026-0418")

    second = signed_and_paid(client, feed_110108, school, "pupil-2026-0417")

    assert rules(client, regulator_110108, first) == []
    assert rules(client, regulator_110108, other_pupil) == []
    assert rules(client, regulator_110108, second) == ["prepaid.max_lessons"]
