"""One mapping from the registry's errors to RFC 9457 problem+json responses."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth import principal_of
from registry.adapters.database import DATABASE_DOWN
from registry.domain.errors import (
    Conflict,
    Forbidden,
    InProgress,
    InvalidInput,
    NotFound,
    NotYetConsistent,
    RegistryError,
    RuleViolation,
    Throttled,
    Unauthenticated,
    Unavailable,
)

log = logging.getLogger("registry.api")

PROBLEM_JSON = "application/problem+json"

STATUS_OF: dict[type[RegistryError], tuple[int, str]] = {
    NotFound: (404, "Not found"),
    Conflict: (409, "Conflict with the current state"),
    Forbidden: (403, "Forbidden"),
    Unauthenticated: (401, "Authentication required"),
    RuleViolation: (422, "A regulatory rule refuses this"),
    InvalidInput: (422, "Invalid input"),
    NotYetConsistent: (503, "Read models are catching up"),
    InProgress: (409, "A request with this Idempotency-Key is in progress"),
    Unavailable: (503, "The database is not available"),
    Throttled: (429, "Too many requests"),
}


def problem(
    status: int,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if status == 503:
        headers.setdefault("Retry-After", "1")
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _registry_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RegistryError)
    status, title = next(
        (v for cls, v in STATUS_OF.items() if isinstance(exc, cls)), (400, "Bad request")
    )
    extra: dict[str, Any] = {}
    if isinstance(exc, RuleViolation):
        extra["rule"] = exc.rule
        extra["type"] = f"urn:registry:rule:{exc.rule}"
    if isinstance(exc, InvalidInput):
        extra["errors"] = [{"loc": [exc.field] if exc.field else [], "msg": exc.detail}]
    headers = {}
    if exc.retry_after is not None:
        headers["Retry-After"] = str(exc.retry_after)
    return problem(status, title, exc.detail, headers, **extra)


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if needs_key(request.url.path):
        # A stranger learns nothing about a request's shape before showing a key.
        try:
            principal_of(request)
        except Unauthenticated as e:
            return _registry_error(request, e)
    errors = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    summary = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors[:5])
    return problem(422, "Invalid input", summary or "the request is malformed", errors=errors)


def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    # Keep the exception's headers: a 405 names the methods the path takes in Allow.
    return problem(
        exc.status_code, str(exc.detail), str(exc.detail), headers=dict(exc.headers or {})
    )


def needs_key(path: str) -> bool:
    return path.startswith("/v1/") and not path.startswith("/v1/public/")


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The message may carry request data; log the type, the route and the request id only.
    request_id = getattr(request.state, "request_id", None)
    log.error(
        "unexpected %s on %s %s (request %s)",
        type(exc).__name__,
        request.method,
        request.url.path,
        request_id,
    )
    return problem(
        500, "Internal error", "the registry could not complete the request", request_id=request_id
    )


def _database_down(request: Request, exc: Exception) -> JSONResponse:
    log.warning(
        "database unavailable (%s) on %s %s", type(exc).__name__, request.method, request.url.path
    )
    return _registry_error(
        request, Unavailable("the database does not answer at the moment; retry shortly")
    )


def install_error_handlers(app: FastAPI) -> None:
    for down in DATABASE_DOWN:
        app.add_exception_handler(down, _database_down)
    app.add_exception_handler(RegistryError, _registry_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
