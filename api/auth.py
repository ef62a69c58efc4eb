"""Bearer API keys: the principal behind a request."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.observability import remember_key
from registry.domain.principal import Principal

# Declares the scheme in the OpenAPI document, on every operation that needs a key; the key
# itself is read below (``bearer_token``), so a bad header is a 401 problem, not FastAPI's 403.
BEARER = HTTPBearer(
    scheme_name="bearer",
    description="An API key: `registry keys create` or `POST /v1/admin/keys` issues one.",
    auto_error=False,
)


def bearer_token(header: str) -> str | None:
    """The key of an ``Authorization: Bearer <key>`` header."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def principal_of(request: Request) -> Principal:
    """The key's principal; 401 when the key is missing, unknown or revoked (may query)."""
    services = request.app.state.services
    token = bearer_token(request.headers.get("authorization", ""))
    principal: Principal = services.keys.authenticate(token)
    return principal


async def authenticate(
    request: Request,
    _: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)] = None,
) -> Principal:
    """``principal_of`` as a dependency: the key the guard checked (``api/guard.py``); else a
    key checked recently is answered on the event loop, any other is looked up in a worker
    thread (one thread hop less for most requests)."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        principal = request.app.state.services.keys.recently_checked(
            bearer_token(request.headers.get("authorization", ""))
        )
    if principal is None:
        principal = await anyio.to_thread.run_sync(principal_of, request)
    remember_key(request, principal.id)
    return principal
