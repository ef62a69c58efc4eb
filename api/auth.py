"""Bearer API keys: the principal behind a request."""

from __future__ import annotations

from fastapi import Request

from registry.domain.principal import Principal


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate(request: Request) -> Principal:
    """The key's principal; 401 when the key is missing, unknown or revoked."""
    services = request.app.state.services
    principal: Principal = services.keys.authenticate(bearer_token(request))
    return principal
