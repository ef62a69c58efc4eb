"""Every instant in every answer is RFC 3339 with its offset, on SQLite as on PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from fastapi.testclient import TestClient

from registry.bootstrap import Services

if TYPE_CHECKING:
    from conftest import Bureau

Headers = dict[str, str]

CONTRACT = {
    "pupil_ref": "HD-2026-0042",
    "guardian_name": "陈静",
    "guardian_phone": "13800138000",
    "course": "少儿美术基础班（春季）",
    "paid_lessons": 48,
    "price_per_lesson_fen": 9_000,
    "start_date": "2026-03-02",
    "end_date": "2026-05-31",
}
PAYMENT = {
    "amount_fen": 432_000,
    "paid_at": "2026-03-01T10:00:00+08:00",
    "channel": "微信支付",
    "into_supervised_account": True,
}


def instants(value: Any, where: str = "") -> list[tuple[str, str]]:
    """Every ``*_at`` value in an answer, with where it is."""
    found: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("_at") and isinstance(item, str):
                found.append((f"{where}.{key}", item))
            found += instants(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += instants(item, f"{where}[{i}]")
    return found


def test_list_and_detail_answers_give_every_instant_with_its_offset(
    bureau: Bureau, client: TestClient, services: Services, admin: Headers
) -> None:
    institution_id = bureau.legitimate()
    feed = {"Authorization": "Bearer " + services.keys.create("feed", ["110108"], "资金监管")[1]}
    contract = client.post(
        "/v1/contracts", json={**CONTRACT, "institution_id": institution_id}, headers=feed
    ).json()
    client.post(f"/v1/contracts/{contract['id']}/payments", json=PAYMENT, headers=feed)
    case = {
        "institution_id": institution_id,
        "contract_ids": [contract["id"]],
        "claimant_name": "陈静",
        "claimant_phone": "13800138000",
        "source": "complaint",
        "claim_fen": 300_000,
    }
    opened = client.post("/v1/refund-cases", json=case, headers=bureau.headers).json()
    after = {"consistent_after": opened["position"]}

    answers = [
        client.get("/v1/refund-cases", params=after, headers=bureau.headers),
        client.get(f"/v1/refund-cases/{opened['id']}", headers=bureau.headers),
        client.get("/v1/risk-alerts", params=after, headers=bureau.headers),
        client.get(f"/v1/institutions/{institution_id}/events", headers=bureau.headers),
        client.get("/v1/feed", headers=admin),
    ]

    seen = []
    for answer in answers:
        assert answer.status_code == 200, answer.text
        for where, value in instants(answer.json()):
            moment = datetime.fromisoformat(value)
            assert moment.tzinfo is not None, f"{answer.url.path}{where} = {value}"
            seen.append(where)
    assert any(where.endswith("opened_at") for where in seen)
    assert any(where.endswith("recorded_at") for where in seen)
