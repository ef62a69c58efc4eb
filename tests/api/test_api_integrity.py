"""The record's integrity over HTTP: checkpoints are public, verification is for admins."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.testclient import TestClient
from sqlalchemy import text

from registry.bootstrap import Services
from registry.demo.generate import generate

Refused = Callable[[httpx.Response, int], dict[str, Any]]


def signed_three_times(services: Services) -> list[int]:
    positions = []
    for seed in (1, 2, 3):
        generate(services.registry, 10, seed=seed)
        checkpoint = services.checkpoints.sign()
        assert checkpoint is not None
        positions.append(checkpoint.position)
    return positions


def test_anyone_can_page_through_the_checkpoints_latest_first_and_check_them(
    client: TestClient, services: Services
) -> None:
    positions = signed_three_times(services)
    first = client.get("/v1/public/checkpoints", params={"limit": 2})
    assert first.status_code == 200
    page = first.json()
    assert [c["position"] for c in page["items"]] == positions[::-1][:2]
    rest = client.get("/v1/public/checkpoints", params={"cursor": page["next_cursor"]}).json()
    assert rest["next_cursor"] is None
    older = [c["position"] for c in rest["items"]]
    assert older[0] == positions[0]  # then, perhaps, the server's own first checkpoint
    assert older == sorted(older, reverse=True)
    item = page["items"][0]
    assert item["algorithm"] == "Ed25519" and len(item["head_hash"]) == 64
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(item["public_key"]))
    key.verify(base64.b64decode(item["signature"]), item["message"].encode())
    assert f"position {item['position']}\nhead {item['head_hash']}\n" in item["message"]


def test_a_cursor_the_api_did_not_issue_is_refused(client: TestClient, refused: Refused) -> None:
    refused(client.get("/v1/public/checkpoints", params={"cursor": "bm9wZQ"}), 422)
    refused(client.get("/v1/public/checkpoints", params={"limit": 0}), 422)


def test_an_admin_verifies_the_record_and_sees_the_first_altered_position(
    client: TestClient, services: Services, admin: dict[str, str]
) -> None:
    generate(services.registry, 40)
    services.checkpoints.sign()
    services.projector.run_once()
    fine = client.get("/v1/admin/verification", params={"views": "true"}, headers=admin)
    assert fine.status_code == 200, fine.text
    assert fine.json()["ok"] is True and fine.json()["views_problem"] is None
    table, column = (
        ("stored_events", "rowid")
        if services.settings.backend == "sqlite"
        else ("registry_events", "notification_id")
    )
    with services.engine.begin() as conn:
        conn.execute(text(f"DELETE FROM {table} WHERE {column} = 9"))
    report = client.get("/v1/admin/verification", headers=admin).json()
    assert (report["ok"], report["bad_position"]) == (False, 9)
    assert report["summary"].startswith("FAILED at position 9: the event was deleted")


def test_only_admins_may_run_the_verification(
    client: TestClient,
    admin: dict[str, str],
    regulator_110108: dict[str, str],
    court: dict[str, str],
    refused: Refused,
) -> None:
    refused(client.get("/v1/admin/verification", headers=regulator_110108), 403)
    refused(client.get("/v1/admin/verification", headers=court), 403)
    refused(client.get("/v1/admin/verification"), 401)
    refused(client.get("/v1/admin/verification", params={"from": 0}, headers=admin), 422)
