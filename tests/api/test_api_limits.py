"""Limits an attacker meets: the key before the body, bounded bodies, URLs, headers and waits.

Each answer is problem+json and refuses at once; nothing a stranger sends is read before the
key was checked, and no input reaches a server error.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from registry.bootstrap import Services
from registry.settings import Settings

Headers = dict[str, str]
Refused = Callable[[httpx.Response, int], dict[str, Any]]
MIB = 1_048_576


def test_an_anonymous_post_is_refused_before_its_body_is_read(client: TestClient) -> None:
    app = client.app
    read: list[int] = []

    async def receive() -> dict[str, Any]:
        read.append(1)
        return {"type": "http.request", "body": b"x" * MIB, "more_body": True}

    answer: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        answer.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/institutions",
        "raw_path": b"/v1/institutions",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"104857600")],
        "client": ("203.0.113.9", 50000),
        "server": ("127.0.0.1", 8000),
        "app": app,
    }
    anyio.run(app, scope, receive, send)  # type: ignore[arg-type]

    assert answer[0]["status"] == 401
    assert read == [], "no byte of the body was read"


def test_a_body_over_one_mebibyte_answers_413(
    client: TestClient, regulator_110108: Headers, refused: Refused
) -> None:
    body = b'{"name": "' + b"x" * MIB + b'"}'
    answer = client.post(
        "/v1/institutions",
        content=body,
        headers={**regulator_110108, "Content-Type": "application/json"},
    )
    refused(answer, 413)


def test_a_chunked_body_that_grows_past_the_limit_answers_413(
    client: TestClient, regulator_110108: Headers, refused: Refused
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(20):
            yield b"x" * 65536
        yield b'"}'

    answer = client.post(
        "/v1/institutions",
        content=chunks(),
        headers={**regulator_110108, "Content-Type": "application/json"},
    )
    refused(answer, 413)


def test_a_long_query_string_answers_414_and_large_headers_431(
    client: TestClient, refused: Refused
) -> None:
    refused(client.get("/v1/public/institutions", params={"q": "海" * 3000}), 414)
    refused(client.get("/v1/public/institutions", headers={"X-Padding": "a" * 20_000}), 431)


def test_a_position_beyond_the_log_answers_422_at_once_without_waiting(
    settings: Settings, services: Services, regulator_110108: Headers, refused: Refused
) -> None:
    # With a wait of a minute allowed, an answer at all shows the request did not wait.
    patient = settings.model_copy(update={"consistency_timeout": 60.0})
    with TestClient(create_app(patient, services)) as client:
        started = time.monotonic()
        answer = client.get(
            "/v1/risk-alerts", params={"consistent_after": 10**9}, headers=regulator_110108
        )
        problem = refused(answer, 422)
        assert "consistent_after" in problem["detail"]
        public = client.get("/v1/public/institutions", params={"consistent_after": 10**9})
        refused(public, 422)
        assert time.monotonic() - started < 30


def test_huge_numbers_in_headers_and_queries_answer_422(
    client: TestClient, regulator_110108: Headers, admin: Headers, refused: Refused
) -> None:
    answer = client.post(
        "/v1/institutions/00000000-0000-4000-8000-000000000000/licence/renewal",
        json={"valid_to": "2030-08-31"},
        headers={**regulator_110108, "If-Match": '"' + "9" * 5000 + '"'},
    )
    refused(answer, 422)
    refused(client.get("/v1/feed", params={"after": 2**63 - 1}, headers=admin), 422)
    refused(client.get("/v1/feed", params={"after": 10**30}, headers=admin), 422)
    refused(
        client.get("/v1/public/institutions", params={"consistent_after": 2**63}),
        422,
    )


def test_requests_over_the_limit_of_waiters_answer_503_with_retry_after(
    settings: Settings, services: Services, regulator_110108: Headers, refused: Refused
) -> None:
    busy = settings.model_copy(update={"max_consistency_waiters": 0})
    with TestClient(create_app(busy, services)) as client:
        answer = client.get(
            "/v1/risk-alerts", params={"consistent_after": 1}, headers=regulator_110108
        )
    refused(answer, 503)
    assert answer.headers["retry-after"]


@pytest.mark.parametrize("path", ["/", "/v1/public/institutions", "/health", "/v1/feed"])
def test_every_answer_carries_the_security_headers(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert answer.headers["x-request-id"]
    assert "strict-transport-security" not in answer.headers


def test_behind_tls_answers_carry_hsts(settings: Settings, services: Services) -> None:
    with TestClient(create_app(settings.model_copy(update={"behind_tls": True}), services)) as c:
        answer = c.get("/v1/public/institutions")
    assert answer.headers["strict-transport-security"].startswith("max-age=")


def test_repeated_wrong_keys_from_one_address_answer_429_with_retry_after(
    client: TestClient, refused: Refused
) -> None:
    wrong = {"Authorization": "Bearer rk_0000_guessed"}
    answers = [client.get("/v1/risk-alerts", headers=wrong).status_code for _ in range(25)]
    assert answers[:20] == [401] * 20
    assert set(answers[20:]) == {429}
    last = client.get("/v1/risk-alerts", headers=wrong)
    refused(last, 429)
    assert 1 <= int(last.headers["retry-after"]) <= 60


def test_the_public_register_limits_requests_per_address_when_set(
    settings: Settings, services: Services, refused: Refused
) -> None:
    limited = settings.model_copy(update={"public_requests_per_minute": 5})
    with TestClient(create_app(limited, services)) as client:
        answers = [client.get("/v1/public/institutions") for _ in range(7)]
    assert [a.status_code for a in answers[:5]] == [200] * 5
    refused(answers[5], 429)
    assert answers[6].headers["retry-after"]


def test_an_unexpected_error_is_one_log_line_with_the_request_id_of_its_answer(
    client: TestClient, services: Services, caplog: pytest.LogCaptureFixture, refused: Refused
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("a secret from the request: 李秀英")

    services.views.search_public = broken  # type: ignore[method-assign]
    with caplog.at_level("ERROR"):
        answer = client.get("/v1/public/institutions", params={"q": "思远"})

    problem = refused(answer, 500)
    assert problem["request_id"] == answer.headers["x-request-id"]
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    line = errors[0].getMessage()
    assert problem["request_id"] in line and "RuntimeError" in line
    assert "李秀英" not in line and errors[0].exc_info is None
