"""Bearer API keys: the principal behind a request."""

from __future__ import annotations

import anyio
from fastapi import Request

from registry.domain.principal import Principal


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def principal_of(request: Request) -> Principal:
    """The key's principal; 401 when the key is missing, unknown or revoked (may query)."""
    services = request.app.state.services
    principal: Principal = services.keys.authenticate(bearer_token(request))
    return principal


async def authenticate(request: Request) -> Principal:
    """``principal_of`` as a dependency: a key checked recently is answered on the event loop,
    any other is looked up in a worker thread (one thread hop less for most requests)."""
    principal: Principal | None = request.app.state.services.keys.recently_checked(
        bearer_token(request)
    )
    if principal is None:
        principal = await anyio.to_thread.run_sync(principal_of, request)
    return principal
