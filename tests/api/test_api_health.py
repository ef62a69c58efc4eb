"""GET /health: is the registry's database answering, which one is it, how far behind are the
read models."""

from __future__ import annotations

from fastapi.testclient import TestClient

from registry.bootstrap import Services, all_projections
from registry.settings import Settings
from tests.builders.bodies import registration
from tests.builders.principals import bearer


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


def test_health_shows_every_projection_with_its_position_and_lag(
    no_projector: TestClient, services: Services, settings: Settings
) -> None:
    key = bearer(services, "admin", [], "教育部校外教育培训监管司")
    written = no_projector.post(
        "/v1/institutions", json=registration(subjects=["美术"]), headers=key
    )
    assert written.status_code == 201, written.text
    position = written.json()["position"]
    names = {p.name for p in all_projections()}

    behind = no_projector.get("/health").json()
    services.projector.run_once()
    caught_up = no_projector.get("/health").json()

    assert behind["database"] == caught_up["database"] == settings.backend
    assert behind["head"] == caught_up["head"] == position
    assert set(behind["projections"]) == set(behind["lag"]) == names
    assert all(behind["lag"][n] == position - behind["projections"][n] > 0 for n in names)
    assert caught_up["projections"] == dict.fromkeys(names, position)
    assert caught_up["lag"] == dict.fromkeys(names, 0)
