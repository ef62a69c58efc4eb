"""What an operator watches: /metrics in Prometheus format, and one log line per request."""

from __future__ import annotations

import json
import logging
import time
import uuid

import httpx
import pytest

from registry.client import RegistryClient, RuleViolation
from registry.domain.commands.institutions import ImposePenalty
from tests.client.conftest import Server
from tests.client.test_client_end_to_end import TODAY, registration


def samples(text: str, name: str) -> dict[str, float]:
    """``{'label="value",…': number}`` of every sample of the metric ``name``."""
    found = {}
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            labels, _, value = line.rpartition(" ")
            found[labels[len(name) :].strip("{}")] = float(value)
    return found


def test_metrics_count_requests_commands_and_show_the_log_and_projections(server: Server) -> None:
    key = server.key("regulator", ["110108"], "海淀")
    bureau = RegistryClient(server.url, key)
    written = bureau.register_institution(registration(1))
    with pytest.raises(RuleViolation):
        bureau.impose_penalty(
            ImposePenalty(
                institution_id=uuid.UUID(written.id),
                decision_no="罚1号",
                kinds=["flogging"],
                decided_on=TODAY,
            )
        )
    list(bureau.institutions())

    answer = httpx.get(f"{server.url}/metrics", timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    requests = samples(text, "registry_http_requests_total")
    assert requests['method="POST",route="/v1/institutions",status="201"'] == 1
    assert requests['method="GET",route="/v1/institutions",status="200"'] >= 1
    latency = samples(text, "registry_http_request_duration_seconds_count")
    assert latency['method="POST",route="/v1/institutions"'] == 1
    commands = samples(text, "registry_commands_total")
    assert commands['command="RegisterInstitution",outcome="ok"'] == 1
    assert commands['command="ImposePenalty",outcome="rule_violation"'] == 1
    assert samples(text, "registry_log_head")[""] >= written.position
    lag = samples(text, "registry_projection_lag")
    assert 'projection="regulator_list"' in lag and 'projection="public_register"' in lag
    assert samples(text, "registry_idempotency_reservations_in_progress")[""] == 0
    assert written.id not in text, "routes are templates, never paths with ids"


def logged_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "registry.http"]


def test_each_request_is_logged_once_with_its_request_id_and_key_id_and_no_secret(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    secret = server.key("regulator", ["110108"], "海淀")
    key_id = secret.split("_")[1]
    with caplog.at_level(logging.INFO, logger="registry.http"):
        answer = httpx.post(
            f"{server.url}/v1/institutions",
            json={
                **json.loads(json.dumps(registration(2).__dict__, default=str)),
                "legal_representative": "李某",
            },
            headers={"Authorization": f"Bearer {secret}", "X-Request-ID": "req-42"},
            timeout=30,
        )
        assert answer.status_code == 201, answer.text
        # The line is written once the answer has gone out: wait for it a moment.
        deadline = time.monotonic() + 5
        while not logged_lines(caplog) and time.monotonic() < deadline:
            time.sleep(0.02)
    assert answer.headers["x-request-id"] == "req-42"
    lines = logged_lines(caplog)
    assert len(lines) == 1
    record = lines[0]
    assert record.request_id == "req-42"  # type: ignore[attr-defined]
    assert record.key_id == key_id  # type: ignore[attr-defined]
    assert record.route == "/v1/institutions" and record.status == 201  # type: ignore[attr-defined]
    logged = record.getMessage() + json.dumps(record.__dict__, default=str)
    assert secret not in logged and "李某" not in logged


def test_a_request_id_that_is_not_a_plain_token_is_replaced(server: Server) -> None:
    answer = httpx.get(f"{server.url}/health", headers={"X-Request-ID": "a b\tc"}, timeout=30)
    assert answer.headers["x-request-id"] != "a b\tc"
    assert len(answer.headers["x-request-id"]) == 32
