"""The client waits and retries when the server is away or busy, never longer than asked."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from registry.client import RegistryClient, Unreachable
from registry.client.transport import Policy, write_headers


def test_a_busy_server_is_retried_after_the_seconds_it_names() -> None:
    policy = Policy(retries=3, backoff=0.1)
    busy = httpx.Response(503, headers={"Retry-After": "2"})
    assert policy.wait(0, busy) == 2.0
    assert policy.wait(0, httpx.Response(429, headers={"Retry-After": "1"})) == 1.0
    assert policy.wait(3, busy) is None, "three retries, then the refusal is raised"
    assert policy.wait(0, httpx.Response(409)) is None, "a refusal is not retried"


def test_without_retry_after_the_waits_grow_exponentially() -> None:
    policy = Policy(retries=5, backoff=0.1)
    waits = [policy.wait(attempt, None) for attempt in range(5)]
    for attempt, wait in enumerate(waits):
        assert wait is not None
        assert 0.05 * 2**attempt <= wait <= 0.1 * 2**attempt


def test_a_write_carries_an_idempotency_key_and_its_if_match() -> None:
    sent = write_headers(None, 7)
    assert sent["Idempotency-Key"].startswith("client-")
    assert sent["If-Match"] == '"7"'
    assert write_headers("mine", None) == {"Idempotency-Key": "mine"}


def test_a_server_that_cannot_be_reached_is_retried_then_reported() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    client = RegistryClient(f"http://127.0.0.1:{port}", "rk_x", retries=2, backoff=0.05)
    started = time.monotonic()
    with pytest.raises(Unreachable, match="cannot reach"):
        client.health()
    assert time.monotonic() - started >= 0.05 * (1 + 2) / 2
