"""PostgreSQL restarted under write load: 503 while it is down, then everything goes on.

A server process writes through the API without pause while its PostgreSQL (a cluster of the
test's own, on its own port) is stopped hard and started again. While it is down the API
answers 503 problem+json with Retry-After; once it is back the API and the projector recover
without a restart, and every write the API acknowledged is there, once.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx

from registry.bootstrap import build_services
from registry.domain.uscc import check_character
from registry.settings import Settings


def registration(serial: int) -> dict[str, Any]:
    code = f"91110108MA01{serial:05d}"
    return {
        "name": f"北京第{serial}艺术培训有限公司",
        "credit_code": code + check_character(code),
        "district_code": "110108",
        "address": "北京市海淀区中关村大街27号",
        "category": "non_academic",
        "subjects": ["美术"],
        "delivery": "offline",
        "legal_form": "company",
        "legal_representative": "李秀英",
    }


class Writer(threading.Thread):
    """Registers institutions one after another, each retried under its key until answered."""

    def __init__(self, url: str, key: str) -> None:
        super().__init__(daemon=True)
        self.url, self.key = url, key
        self.acknowledged: dict[int, str] = {}
        self.statuses: list[int] = []
        self.stop = threading.Event()

    def run(self) -> None:
        serial = 0
        with httpx.Client(base_url=self.url, timeout=90) as client:
            while not self.stop.is_set():
                serial += 1
                headers = {"Authorization": f"Bearer {self.key}", "Idempotency-Key": f"r{serial}"}
                while not self.stop.is_set():
                    try:
                        answer = client.post(
                            "/v1/institutions", json=registration(serial), headers=headers
                        )
                    except httpx.TransportError:
                        time.sleep(0.2)
                        continue
                    self.statuses.append(answer.status_code)
                    if answer.status_code == 201:
                        self.acknowledged[serial] = answer.json()["id"]
                        break
                    assert answer.status_code in (409, 503), answer.text
                    time.sleep(0.2)


def test_a_postgresql_restart_under_write_load_loses_no_acknowledged_write(
    throwaway_postgres: Any, serve: Any
) -> None:
    settings = Settings(database_url=throwaway_postgres.url, database_schema="registry")
    services = build_services(settings)
    _, key = services.keys.create("regulator", ["110108"], "北京市海淀区教育委员会")
    services.close()
    auth = {"Authorization": f"Bearer {key}"}

    with serve(settings, REGISTRY_IDEMPOTENCY_TAKEOVER_SECONDS="2") as (url, _):
        writer = Writer(url, key)
        writer.start()
        while len(writer.acknowledged) < 5:
            time.sleep(0.1)

        throwaway_postgres.stop()
        # A write waits out the event store's reconnection attempts (about half a minute)
        # before it answers 503, so the requests made during the outage may take that long.
        down = [
            httpx.get(f"{url}/v1/risk-alerts", headers=auth, timeout=90),
            httpx.post(
                f"{url}/v1/institutions", json=registration(99_999), headers=auth, timeout=90
            ),
        ]
        time.sleep(1)
        throwaway_postgres.start()

        acknowledged_before = len(writer.acknowledged)
        deadline = time.monotonic() + 60
        while len(writer.acknowledged) < acknowledged_before + 5:
            assert time.monotonic() < deadline, "the API did not recover"
            time.sleep(0.1)
        writer.stop.set()
        writer.join(30)

        last = max(writer.acknowledged)
        position = httpx.post(
            f"{url}/v1/institutions",
            json=registration(last),
            headers={**auth, "Idempotency-Key": f"r{last}"},
            timeout=30,
        ).json()["position"]
        public = httpx.get(
            f"{url}/v1/public/institutions",
            params={"consistent_after": position, "limit": 500, "status": "registered"},
            timeout=30,
        )
        for institution_id in writer.acknowledged.values():
            answer = httpx.get(f"{url}/v1/institutions/{institution_id}", headers=auth, timeout=30)
            assert answer.status_code == 200, answer.text

    for answer in down:
        assert answer.status_code == 503, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert int(answer.headers["retry-after"]) >= 1
    assert public.status_code == 200, public.text
    listed = {item["id"] for item in public.json()["items"]}
    assert set(writer.acknowledged.values()) <= listed

    services = build_services(settings)
    try:
        log = services.registry.store.recorder.select_notifications(start=1, limit=10_000)
        registered = [n for n in log if n.topic.endswith("Registered")]
    finally:
        services.close()
    assert len(registered) == len(writer.acknowledged)
