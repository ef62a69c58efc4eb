"""The record's integrity: public signed checkpoints, and verification for admins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import PrincipalDep, ServicesDep
from api.paging import Cursor, Limit, decode_cursor, encode_cursor
from api.schemas.integrity import CheckpointPage, VerificationReport
from registry.domain.errors import InvalidInput
from registry.verification import verify

router = APIRouter(tags=["integrity"])


@router.get("/v1/public/checkpoints", response_model=CheckpointPage)
def checkpoints(services: ServicesDep, limit: Limit = 50, cursor: Cursor = None) -> dict[str, Any]:
    """The signed checkpoints of the event log's hash chain, latest first. No key needed:
    anyone may keep copies and later check the log against them."""
    before = decode_cursor(cursor).get("before")
    if before is not None and (type(before) is not int or not 0 < before < 2**63):
        raise InvalidInput("the cursor is not one this API issued", "cursor")
    page = services.checkpoints.page(limit=limit + 1, before=before)
    more, page = len(page) > limit, page[:limit]
    return {
        "items": [{**c.as_dict(), "message": c.message().decode()} for c in page],
        "next_cursor": encode_cursor({"before": page[-1].position}) if more else None,
    }


@router.get("/v1/admin/verification", response_model=VerificationReport)
def verification(
    services: ServicesDep,
    principal: PrincipalDep,
    start: Annotated[
        int, Query(alias="from", ge=1, le=2**63 - 1, description="recompute from this position")
    ] = 1,
    views: Annotated[bool, Query(description="also replay the read models and compare")] = False,
) -> dict[str, Any]:
    """Recompute the hash chain, check every checkpoint's signature, and (``views=true``)
    replay the read models: the first altered position or row is named. Admins only."""
    principal.require(("admin",))
    return verify(services, start=start, views=views).as_dict()
