"""A write killed (SIGKILL) in the middle never leaves its Idempotency-Key stuck or doubled.

A real server process is killed between the key's reservation and its answer, at the two
points that matter: before the events were inserted, and after they (and so the answer)
committed. The retry, sent to a fresh server, gets a fresh execution in the first case and
the original answer in the second; the institution is registered once either way. SQLite
and PostgreSQL alike.
"""

from __future__ import annotations

import signal
import threading
import time
from select import select as wait_readable
from typing import Any

import httpx
import pytest

from registry.bootstrap import build_services
from registry.settings import Settings

TAKEOVER = "1"

SCHOOL = {
    "name": "北京云端书画在线教育科技有限公司",
    "credit_code": "91110108551385082Q",
    "district_code": "110108",
    "address": "北京市海淀区上地十街10号",
    "category": "non_academic",
    "subjects": ["书法", "国画"],
    "delivery": "online",
    "legal_form": "company",
    "legal_representative": "周敏",
    "icp_number": "京ICP备2021012345号",
}


def registrations(settings: Settings) -> int:
    """How many InstitutionRegistered events the log holds."""
    services = build_services(settings)
    try:
        log = services.registry.store.recorder.select_notifications(start=1, limit=10_000)
        return sum(1 for n in log if n.topic.endswith("Registered"))
    finally:
        services.close()


def key_for(settings: Settings) -> dict[str, str]:
    services = build_services(settings)
    try:
        _, secret = services.keys.create("regulator", ["110108"], "北京市海淀区教育委员会")
    finally:
        services.close()
    return {"Authorization": f"Bearer {secret}", "Idempotency-Key": "hdjw-2025-03-02-0007"}


def post_until_killed(url: str, headers: dict[str, str]) -> None:
    try:
        httpx.post(f"{url}/v1/institutions", json=SCHOOL, headers=headers, timeout=60)
    except httpx.TransportError:
        pass  # the server died under it: the client never learns what happened


@pytest.mark.parametrize("killed", ["before", "after"])
def test_a_retry_after_the_server_was_killed_mid_write_registers_the_institution_once(
    settings: Settings, killed: str, serve: Any
) -> None:
    headers = key_for(settings)
    with serve(settings, STALL=killed) as (url, process):
        sender = threading.Thread(target=post_until_killed, args=(url, headers))
        sender.start()
        assert process.stdout is not None
        ready, _, _ = wait_readable([process.stdout], [], [], 30)
        assert ready and process.stdout.readline().strip() == "stalled"
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        sender.join(30)

    with serve(settings, REGISTRY_IDEMPOTENCY_TAKEOVER_SECONDS=TAKEOVER) as (url, _):
        deadline = time.monotonic() + 10
        while True:
            retry = httpx.post(f"{url}/v1/institutions", json=SCHOOL, headers=headers, timeout=30)
            if retry.status_code != 409 or time.monotonic() > deadline:
                break
            assert int(retry.headers["retry-after"]) >= 1
            time.sleep(0.5)
        assert retry.status_code == 201, retry.text
        again = httpx.post(f"{url}/v1/institutions", json=SCHOOL, headers=headers, timeout=30)

    assert again.status_code == 201
    assert again.json() == retry.json()
    assert again.headers["idempotency-replayed"] == "true"
    if killed == "after":  # the events committed: the retry is the original answer
        assert retry.headers["idempotency-replayed"] == "true"
    assert registrations(settings) == 1
