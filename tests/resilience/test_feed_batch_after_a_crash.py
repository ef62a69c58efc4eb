"""A feed's batch killed (SIGKILL) in the middle is recorded once when sent again with its id.

A real server process is killed while saving a batch: before its facts were inserted, and
after they (and so the batch's answer) committed. The bank, which never got an answer, sends
the same batch again to a fresh server: the first case records the batch afresh, the second
answers from the first time; either way every fact is in the ledger once. SQLite and
PostgreSQL alike.
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
from registry.client.routes import batch_of
from registry.settings import Settings
from tests.builders.commands import legitimate, paid_contract, record_consumption
from tests.builders.principals import HAIDIAN_BANK

TAKEOVER = "1"


def bank_and_batch(settings: Settings) -> tuple[dict[str, str], dict[str, Any], Any]:
    """The bank's key, a batch of three lesson reports on a paid contract, the contract id."""
    services = build_services(settings)
    try:
        registry = services.registry
        contract_id = paid_contract(registry, legitimate(registry))
        _, secret = services.keys.create("feed", ["110108"], "中国工商银行北京海淀支行资金监管接口")
    finally:
        services.close()
    facts = [record_consumption(contract_id, lessons) for lessons in (2, 3, 4)]
    return {"Authorization": f"Bearer {secret}"}, batch_of("icbc-hd-0042", facts), contract_id


def consumed(settings: Settings, contract_id: Any) -> int:
    services = build_services(settings)
    try:
        lessons: int = services.registry.contract(HAIDIAN_BANK, contract_id)["consumed_lessons"]
        return lessons
    finally:
        services.close()


def post_until_killed(url: str, headers: dict[str, str], batch: dict[str, Any]) -> None:
    try:
        httpx.post(f"{url}/v1/feed-batches", json=batch, headers=headers, timeout=60)
    except httpx.TransportError:
        pass  # the server died under it: the bank never learns what happened


@pytest.mark.parametrize("killed", ["before", "after"])
def test_a_batch_sent_again_after_the_server_was_killed_records_each_fact_once(
    settings: Settings, killed: str, serve: Any
) -> None:
    headers, batch, contract_id = bank_and_batch(settings)
    with serve(settings, STALL=killed) as (url, process):
        sender = threading.Thread(target=post_until_killed, args=(url, headers, batch))
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
            retry = httpx.post(f"{url}/v1/feed-batches", json=batch, headers=headers, timeout=30)
            if retry.status_code != 409 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert retry.status_code == 200, retry.text
        again = httpx.post(f"{url}/v1/feed-batches", json=batch, headers=headers, timeout=30)

    assert again.json() == retry.json()
    assert [r["status"] for r in retry.json()["results"]] == ["recorded"] * 3
    if killed == "after":
        assert retry.headers["idempotency-replayed"] == "true"
    assert consumed(settings, contract_id) == 9
