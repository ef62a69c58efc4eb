"""The public register: no key, never personal data."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import AwareDatetime

from api import opendata
from api.deps import ConsistentDep, ServicesDep
from api.paging import Cursor, Limit, decode_cursor, encode_cursor
from api.schemas.common import PRINTABLE, Day
from api.schemas.public import Blacklist, PublicInstitutionList, PublicInstitutionPage
from registry.domain.errors import InvalidInput

AsOf = Annotated[
    Day | None,
    Query(description="in force at the end of this day (Asia/Shanghai), by effective dates"),
]
KnownAt = Annotated[
    AwareDatetime | None, Query(description="only what was recorded by this time (RFC 3339)")
]

router = APIRouter(prefix="/v1/public", tags=["public"], dependencies=[ConsistentDep])

Status = Literal[
    "registered",
    "licensed",
    "suspended",
    "converting",
    "converted",
    "revoked",
    "ceased",
    "deregistered",
]


@router.get("/institutions", response_model=PublicInstitutionList)
def search_institutions(
    services: ServicesDep,
    q: Annotated[
        str | None, Query(max_length=100, pattern=PRINTABLE, description="part of the name")
    ] = None,
    district_code: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
    category: Literal["academic", "non_academic"] | None = None,
    subject: Annotated[str | None, Query(max_length=50, pattern=PRINTABLE)] = None,
    status: Annotated[Status | None, Query(description="default: legitimate only")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """Search the register; by default only legitimate institutions."""
    after = decode_cursor(cursor).get("after")
    if after is not None and not (
        isinstance(after, list) and len(after) == 2 and all(isinstance(x, str) for x in after)
    ):
        raise InvalidInput("the cursor is not one this API issued", "cursor")
    items = services.views.search_public(
        q=q,
        district_code=district_code,
        category=category,
        subject=subject,
        status=status,
        after_name=(str(after[0]), str(after[1])) if after else None,
        limit=limit + 1,
    )
    page, more = items[:limit], len(items) > limit
    next_cursor = encode_cursor({"after": [page[-1]["name"], page[-1]["id"]]}) if more else None
    return {"items": page, "next_cursor": next_cursor}


# The two downloads come before /institutions/{institution_id}, which would otherwise take them.
@router.get(
    "/institutions.csv",
    response_model=None,
    response_class=StreamingResponse,
    status_code=200,
    responses={200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with a BOM"}},
)
def register_csv(services: ServicesDep, as_of: AsOf = None) -> StreamingResponse:
    """The whole register, every status, as CSV; X-Registry-Position gives its log position.
    With ``as_of``, each institution as in force at the end of that day."""
    return opendata.register_csv(services.views.public_register_snapshot(as_of=as_of))


@router.get(
    "/institutions.jsonl",
    response_model=None,
    response_class=StreamingResponse,
    status_code=200,
    responses={200: {"content": {"application/jsonl": {}}, "description": "JSON Lines"}},
)
def register_jsonl(services: ServicesDep, as_of: AsOf = None) -> StreamingResponse:
    """The whole register as JSON Lines, after a {"_meta": {...}} line with its log position."""
    return opendata.register_jsonl(services.views.public_register_snapshot(as_of=as_of))


@router.get("/institutions/{institution_id}", response_model=PublicInstitutionPage)
def institution_page(
    institution_id: UUID,
    services: ServicesDep,
    as_of: AsOf = None,
    known_at: KnownAt = None,
) -> dict[str, Any]:
    """One institution's public record with its dated status history and penalties: in force
    at the end of ``as_of`` by effective dates, as recorded by ``known_at``."""
    return services.views.public_institution(str(institution_id), as_of, known_at)


@router.get("/blacklist", response_model=Blacklist)
def blacklist(services: ServicesDep) -> dict[str, Any]:
    """Blacklisted institutions with their reasons and dates."""
    return {"items": services.views.blacklist()}
