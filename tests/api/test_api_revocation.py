"""A key revoked by another process (``registry keys revoke``) stops working within a second."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from registry.bootstrap import Services, build_services
from registry.settings import Settings


def test_a_key_revoked_elsewhere_is_refused_within_one_second(
    client: TestClient, services: Services, settings: Settings
) -> None:
    info, secret = services.keys.create("regulator", ["110108"], "北京市海淀区教育委员会")
    key = {"Authorization": f"Bearer {secret}"}
    assert client.get("/v1/risk-alerts", headers=key).status_code == 200

    elsewhere = build_services(settings)  # the operator's command, another process
    try:
        elsewhere.keys.revoke(info.id)
    finally:
        elsewhere.close()
    revoked_at = time.monotonic()

    while client.get("/v1/risk-alerts", headers=key).status_code == 200:
        assert time.monotonic() - revoked_at < 1.0, "the revoked key still works after 1 s"
        time.sleep(0.05)
    assert client.get("/v1/risk-alerts", headers=key).status_code == 401
