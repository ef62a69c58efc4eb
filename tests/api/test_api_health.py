"""GET /health: is the registry's database answering, and which one is it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from registry.settings import Settings


def test_health_answers_ok_and_names_the_database_in_use(
    client: TestClient, settings: Settings
) -> None:
    answer = client.get("/health")

    assert answer.status_code == 200, answer.text
    health = answer.json()
    assert health["status"] == "ok"
    assert health["database"] == settings.backend
    assert health["database"] in ("sqlite", "postgresql")
    assert isinstance(health["projections"], dict)
    assert all(isinstance(p, int) for p in health["projections"].values())


def test_health_needs_no_key(client: TestClient) -> None:
    assert client.get("/health", headers={"Authorization": "Bearer not-a-key"}).status_code == 200
