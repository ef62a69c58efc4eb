"""Views for regulators and courts: risk alerts, refund tracking, the change feed."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query

from api.deps import MAX_POSITION, ConsistentDep, PrincipalDep, RegistryDep, ServicesDep
from api.paging import Cursor, Limit, decode_cursor, encode_cursor
from api.schemas.views import FeedPage, RefundTracking, RiskAlertPage
from registry.domain.errors import InvalidInput

router = APIRouter(prefix="/v1", tags=["views for regulators"], dependencies=[ConsistentDep])


@router.get("/refund-tracking/institutions/{institution_id}", response_model=RefundTracking)
def refund_tracking(
    institution_id: UUID, services: ServicesDep, registry: RegistryDep, principal: PrincipalDep
) -> dict[str, Any]:
    """What families paid, what was taught, released and refunded, what is still owed."""
    principal.require(("regulator", "court"), registry.institution_district(institution_id))
    return services.views.refund_tracking(str(institution_id))


@router.get("/feed", response_model=FeedPage)
def feed(
    services: ServicesDep,
    principal: PrincipalDep,
    after: Annotated[
        int, Query(ge=0, le=MAX_POSITION, description="the last position already read")
    ] = 0,
    limit: Limit = 50,
) -> dict[str, Any]:
    """Every event after a position, in order (regulators: their districts only)."""
    return services.feed.read(principal, after, limit)


@router.get("/risk-alerts", response_model=RiskAlertPage)
def risk_alerts(
    services: ServicesDep,
    principal: PrincipalDep,
    district_code: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
    level: Literal["yellow", "red"] | None = None,
    status: Literal["open", "resolved"] | None = None,
    institution_id: UUID | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """Risk alerts, newest first (regulators: their districts only)."""
    principal.require(("regulator",), district_code)
    if district_code:
        districts: list[str] | None = [district_code]
    elif principal.role == "regulator":
        districts = list(principal.districts)
    else:
        districts = None
    after = decode_cursor(cursor).get("after")
    if after is not None and not (
        isinstance(after, list)
        and len(after) == 2
        and type(after[0]) is int
        and 0 <= after[0] < 2**63
        and isinstance(after[1], str)
    ):
        raise InvalidInput("the cursor is not one this API issued", "cursor")
    items, more = services.views.risk_alerts(
        district_codes=districts,
        level=level,
        status=status,
        institution_id=str(institution_id) if institution_id else None,
        limit=limit,
        cursor_after=(after[0], after[1]) if after else None,
    )
    return {"items": items, "next_cursor": encode_cursor({"after": list(more)}) if more else None}
