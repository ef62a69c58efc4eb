"""The guard in front of every request: limits, throttles, the key, security headers, errors.

It runs before anything reads the request, in this order:

- a request id (``X-Request-Id`` on the answer, ``request_id`` in a problem+json body);
- bounded query string (414) and headers (431);
- an address that sent too many unknown or revoked keys waits (429 with ``Retry-After``), and
  so does one over the per-address limit of the public endpoints, when one is set;
- on the paths that need a key, the key is checked *before* the body is read (401);
- a body over the limit answers 413, by its ``Content-Length`` or as soon as it grows past it;
- every answer carries the security headers (CSP, nosniff, frame-ancestors, Referrer-Policy,
  HSTS when TLS ends in front);
- an unexpected error is logged in one line with its request id and answers 500 without a
  traceback anywhere; the database being unavailable answers 503 with ``Retry-After``.
"""

from __future__ import annotations

import logging
import secrets
import time
import traceback
from collections import deque
from typing import Any

import anyio
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import bearer_token
from api.errors import needs_key, problem
from registry.adapters.database import database_down
from registry.domain.errors import Unauthenticated, Unavailable
from registry.settings import Settings

log = logging.getLogger("registry.api")


SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_HEADERS = 100
MAX_ADDRESSES = 100_000


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


class Window:
    """Events per address within the last minute (a sliding window)."""

    def __init__(self, limit: int, seconds: float = 60.0) -> None:
        self.limit = limit
        self.seconds = seconds
        self._seen: dict[str, deque[float]] = {}

    def _recent(self, address: str, now: float) -> deque[float]:
        seen = self._seen.get(address)
        if seen is None:
            if len(self._seen) >= MAX_ADDRESSES:
                self._seen.clear()
            seen = self._seen[address] = deque()
        while seen and seen[0] <= now - self.seconds:
            seen.popleft()
        return seen

    def wait(self, address: str) -> int:
        """Seconds ``address`` must wait (0: it may go on)."""
        if self.limit <= 0:
            return 0
        now = time.monotonic()
        seen = self._recent(address, now)
        if len(seen) < self.limit:
            return 0
        return max(1, int(seen[0] + self.seconds - now + 0.999))

    def add(self, address: str) -> None:
        if self.limit > 0:
            self._recent(address, time.monotonic()).append(time.monotonic())


class Guard:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.failed_keys = Window(settings.auth_failures_per_minute)
        self.public = Window(settings.public_requests_per_minute)
        self.headers = SECURITY_HEADERS + ([HSTS] if settings.behind_tls else [])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        # The request id of the observer in front (``observability.py``), else one of its own.
        outer_id: str | None = state.get("request_id")
        request_id = outer_id or secrets.token_hex(8)
        state["request_id"] = request_id
        own_id = [] if outer_id else [(b"x-request-id", request_id.encode())]
        started = False

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [h for h in message.get("headers", []) if h[0] != b"x-request-id"]
                message["headers"] = [*headers, *self.headers, *own_id]
            await send(message)

        try:
            refusal = await self._refusal(scope)
            if refusal is not None:
                await refusal(scope, receive, send_secured)
                return
            await self.app(scope, self._bounded(scope, receive), send_secured)
        except Exception as exc:
            if database_down(exc):
                log.warning(
                    "database unavailable (%s) on %s %s (request %s)",
                    type(exc).__name__,
                    scope.get("method"),
                    scope.get("path"),
                    request_id,
                )
                answer = problem(
                    503,
                    "The database is not available",
                    "the database does not answer at the moment; retry shortly",
                    {"Retry-After": str(Unavailable.retry_after)},
                    request_id=request_id,
                )
            else:
                where = traceback.extract_tb(exc.__traceback__)[-1]
                log.error(
                    "unexpected %s at %s:%s on %s %s (request %s)",
                    type(exc).__name__,
                    where.filename.rsplit("/", 1)[-1],
                    where.lineno,
                    scope.get("method"),
                    scope.get("path"),
                    request_id,
                )
                answer = problem(
                    500,
                    "Internal error",
                    "the registry could not complete the request",
                    request_id=request_id,
                )
            if not started:
                await answer(scope, receive, send_secured)

    async def _refusal(self, scope: Scope) -> Any:
        """The answer that refuses the request before it is read, if any."""
        settings = self.settings
        if len(scope.get("query_string", b"")) > settings.max_query_bytes:
            return problem(
                414, "URI too long", f"the query string is over {settings.max_query_bytes} bytes"
            )
        headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
        size = sum(len(k) + len(v) for k, v in headers)
        if len(headers) > MAX_HEADERS or size > settings.max_header_bytes:
            return problem(
                431,
                "Request header fields too large",
                f"at most {MAX_HEADERS} headers and {settings.max_header_bytes} bytes of them",
            )
        address = (scope.get("client") or ("unknown", 0))[0]
        path: str = scope.get("path", "")
        wait = self.failed_keys.wait(address)
        if wait:
            return problem(
                429,
                "Too many requests",
                "too many requests with unknown keys from this address; wait and retry",
                {"Retry-After": str(wait)},
            )
        if path.startswith("/v1/public/") and settings.public_requests_per_minute > 0:
            wait = self.public.wait(address)
            if wait:
                return problem(
                    429,
                    "Too many requests",
                    "too many requests to the public register from this address",
                    {"Retry-After": str(wait)},
                )
            self.public.add(address)
        if needs_key(path):
            token = bearer_token(_header(headers, b"authorization"))
            refused = await self._check_key(scope, token)
            if refused is not None:
                if token:  # a key was tried and failed (no key at all is no attempt)
                    self.failed_keys.add(address)
                return problem(401, "Authentication required", refused)
        length = _content_length(headers)
        if length is not None and length > settings.max_body_bytes:
            return problem(
                413,
                "Content too large",
                f"the request body is larger than {settings.max_body_bytes} bytes",
            )
        return None

    async def _check_key(self, scope: Scope, token: str | None) -> str | None:
        """Why the request's key is refused (``None``: it is good, its principal kept)."""
        keys = scope["app"].state.services.keys
        principal = keys.recently_checked(token)
        if principal is None:
            try:
                principal = await anyio.to_thread.run_sync(keys.authenticate, token)
            except Unauthenticated as e:
                return e.detail
        scope["state"]["principal"] = principal
        return None

    def _bounded(self, scope: Scope, receive: Receive) -> Receive:
        """``receive``, refusing a body that grows past the limit (a chunked one, or a lie)."""
        limit = self.settings.max_body_bytes
        if scope.get("method") not in WITH_BODY:
            return receive
        received = 0

        async def bounded() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        return bounded


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _content_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    value = _header(headers, b"content-length").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        return 2**63  # unreadable: as good as too large
    return int(value)
