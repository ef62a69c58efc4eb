"""``/v1/admin/keys``: administrators issue, list and revoke API keys."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import PrincipalDep, ServicesDep
from api.schemas.keys import KeyAnswer, KeyCreate, KeyList
from registry.adapters.keys import KeyInfo

router = APIRouter(prefix="/v1/admin/keys", tags=["keys (admin)"])

ADMIN_ONLY: tuple[str, ...] = ()  # ``require`` lets admins through whatever the roles


def _answer(info: KeyInfo, secret: str | None = None) -> dict[str, Any]:
    answer = {**asdict(info), "districts": list(info.districts), "secret": secret}
    return KeyAnswer.model_validate(answer).model_dump(mode="json")


@router.post("", response_model=KeyAnswer, status_code=201)
def create_key(body: KeyCreate, services: ServicesDep, principal: PrincipalDep) -> JSONResponse:
    """Issue a key; its secret is in this answer only (the registry keeps its hash)."""
    principal.require(ADMIN_ONLY)
    expires = (
        datetime.now(UTC) + timedelta(days=body.expires_in_days)
        if body.expires_in_days is not None
        else None
    )
    info, secret = services.keys.create(body.role, body.districts, body.name, expires)
    return JSONResponse(
        _answer(info, secret), status_code=201, headers={"Cache-Control": "no-store"}
    )


@router.get("", response_model=KeyList)
def list_keys(services: ServicesDep, principal: PrincipalDep) -> dict[str, Any]:
    """Every key ever issued, with its expiry, revocation and last use; never a secret."""
    principal.require(ADMIN_ONLY)
    return {"items": [_answer(k) for k in services.keys.list()]}


@router.delete("/{key_id}", response_model=KeyAnswer)
def revoke_key(key_id: str, services: ServicesDep, principal: PrincipalDep) -> dict[str, Any]:
    """Revoke a key: requests carrying it are refused from now on."""
    principal.require(ADMIN_ONLY)
    services.keys.revoke(key_id)
    return _answer(services.keys.get(key_id))
