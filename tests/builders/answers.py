"""What the API answers: a write's body, a refusal as RFC 9457 problem+json, a web page."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.testclient import TestClient

PROBLEM_JSON = "application/problem+json"


def answered(answer: httpx.Response, status: int = 200) -> dict[str, Any]:
    """The JSON body of an answer that has ``status``."""
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    return body


def assert_refused(answer: httpx.Response, status: int) -> dict[str, Any]:
    """A refusal: ``status``, as problem+json with type, title, status and detail; its body."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM_JSON)
    problem: dict[str, Any] = answer.json()
    assert {"type", "title", "status", "detail"} <= problem.keys()
    assert problem["status"] == status
    assert problem["detail"]
    if status == 422 and "rule" not in problem:
        assert problem["errors"], "a 422 for bad input lists its field errors"
    return problem


def html_page(client: TestClient, path: str, **params: Any) -> str:
    """The HTML of a public web page that answers 200."""
    answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    return answer.text
