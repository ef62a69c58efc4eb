"""Reading one's own writes: ``consistent_after`` waits for the read models to reach a position.

A client that has just written reads with ``consistent_after`` and sees its write, whether the
projector runs in the server or the request catches up itself; a position the log has not
reached is answered 503 with ``Retry-After``. SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from registry.bootstrap import Services
from registry.settings import Settings
from tests.builders.bodies import PAYMENT, registration
from tests.builders.bureau import Bureau
from tests.builders.ledger import Ledger
from tests.builders.principals import bearer

Headers = dict[str, str]


def test_a_read_with_consistent_after_sees_the_write_while_the_server_runs_the_projector(
    bureau: Bureau, ledger: Ledger, client: TestClient, regulator_110108: Headers
) -> None:
    school = bureau.licensed()
    position = bureau.supervise(school)["position"]

    listing = client.get("/v1/public/institutions", params={"consistent_after": position})
    page = client.get(f"/v1/public/institutions/{school}", params={"consistent_after": position})

    assert school in [item["id"] for item in listing.json()["items"]]
    assert (page.json()["supervision_mode"], page.json()["legitimate"]) == ("bank_custody", True)

    ledger.sign(school)
    paid = ledger.reported("payments", PAYMENT)
    tracking = client.get(
        f"/v1/refund-tracking/institutions/{school}",
        params={"consistent_after": paid["position"]},
        headers=regulator_110108,
    )
    assert tracking.status_code == 200, tracking.text
    assert tracking.json()["collected_fen"] == PAYMENT["amount_fen"]
    assert client.get("/health").json()["projector"] == "running"


def test_a_read_with_consistent_after_catches_up_itself_when_no_projector_runs_in_the_server(
    no_projector: TestClient, services: Services
) -> None:
    client = no_projector
    key = bearer(services, "regulator", ["110108"], "北京市海淀区教育委员会")
    answer = client.post("/v1/institutions", json=registration(), headers=key)
    assert answer.status_code == 201, answer.text
    written = answer.json()
    school = written["id"]

    assert client.get(f"/v1/public/institutions/{school}").status_code == 404, (
        "nobody has applied the registration yet"
    )
    page = client.get(
        f"/v1/public/institutions/{school}", params={"consistent_after": written["position"]}
    )

    assert page.status_code == 200, page.text
    assert page.json()["status"] == "registered"
    assert client.get("/health").json()["projector"] == "external"


def test_a_position_the_log_has_not_reached_is_refused_at_once_naming_it(
    settings: Settings, services: Services, refused: Any
) -> None:
    ahead = services.registry.store.head() + 1_000

    for run_projector in (True, False):  # a projector in the server, or one elsewhere
        with TestClient(create_app(settings, services, run_projector=run_projector)) as client:
            answer = client.get("/v1/public/institutions", params={"consistent_after": ahead})

        assert "consistent_after" in refused(answer, 422)["detail"]
