"""What the synchronous and the asynchronous client share: headers, retries, answers.

- Every write carries an ``Idempotency-Key`` (one per call, the same on each of its retries),
  so a retried write is applied once.
- Connection errors, 503 and 429 are retried with exponential backoff and jitter; a
  ``Retry-After`` header sets the wait instead (capped at ``MAX_WAIT`` seconds).
- A write's ``position`` is remembered, and reads of read models ask for
  ``consistent_after`` it: a client reads its own writes.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from registry.client.errors import ApiError, ServerError, from_problem
from registry.client.models import FeedBatchResult, Written

RETRIED_STATUSES = frozenset({429, 503})
MAX_WAIT = 30.0
USER_AGENT = "registry-client/1"


class Unreachable(ApiError):
    """The server could not be reached, even after the client's retries."""


@dataclass
class Policy:
    """How often and how patiently to retry; ``last_position`` is the client's last write."""

    retries: int = 3
    backoff: float = 0.2
    last_position: int | None = field(default=None)

    def wait(self, attempt: int, response: httpx.Response | None) -> float | None:
        """Seconds to wait before retry ``attempt + 1``; ``None``: give up (or no need)."""
        if attempt >= self.retries:
            return None
        if response is not None:
            if response.status_code not in RETRIED_STATUSES:
                return None
            retry_after = response.headers.get("retry-after", "")
            try:
                asked = float(retry_after)
            except ValueError:
                pass
            else:
                return min(max(asked, 0.0), MAX_WAIT)
        return min(self.backoff * 2.0**attempt * (0.5 + random.random() / 2), MAX_WAIT)

    def consistent_after(self, asked: int | None) -> int | None:
        """The position a read model read waits for: the one asked, else the last write's."""
        return asked if asked is not None else self.last_position

    def written(self, response: httpx.Response) -> Written:
        written = Written.model_validate(answer(response))
        written.replayed = response.headers.get("idempotency-replayed") == "true"
        if self.last_position is None or written.position > self.last_position:
            self.last_position = written.position
        return written

    def batch(self, response: httpx.Response) -> FeedBatchResult:
        result = FeedBatchResult.model_validate(answer(response))
        result.replayed = response.headers.get("idempotency-replayed") == "true"
        if self.last_position is None or result.position > self.last_position:
            self.last_position = result.position
        return result


def headers(api_key: str | None) -> dict[str, str]:
    found = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    if api_key:
        found["Authorization"] = f"Bearer {api_key}"
    return found


def write_headers(idempotency_key: str | None, if_match: int | None) -> dict[str, str]:
    found = {"Idempotency-Key": idempotency_key or f"client-{uuid.uuid4()}"}
    if if_match is not None:
        found["If-Match"] = f'"{if_match}"'
    return found


def params(**values: Any) -> dict[str, Any]:
    """Query parameters without the ``None`` ones, dates and booleans as the API reads them."""
    found: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        found[name] = str(value)
    return found


def answer(response: httpx.Response) -> Any:
    """The JSON of a 2xx answer; the matching exception for any other."""
    if response.is_success:
        return response.json()
    try:
        problem = response.json()
    except ValueError:
        problem = None
    if not isinstance(problem, dict):
        error = ServerError(f"HTTP {response.status_code}: {response.text[:200]}")
        error.status = response.status_code
        raise error
    raise from_problem(response.status_code, problem)


def unreachable(url: str, error: httpx.TransportError) -> Unreachable:
    return Unreachable(f"cannot reach {url}: {type(error).__name__}: {error}")
