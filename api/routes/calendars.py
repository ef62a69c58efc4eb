"""School calendars: admins load files; anyone reads what lessons are judged against."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from api.deps import PrincipalDep, ServicesDep
from api.schemas.calendars import CalendarFileBody, CalendarLoadAnswer, ProvinceCalendar
from registry.domain.principal import Principal

router = APIRouter(tags=["school calendars"])

ADMIN_ONLY: tuple[str, ...] = ()  # ``require`` lets admins through whatever the roles


def admin(principal: PrincipalDep) -> Principal:
    """An admin (403 otherwise), checked before the body is read."""
    principal.require(ADMIN_ONLY)
    return principal


AdminDep = Annotated[Principal, Depends(admin)]


@router.post("/v1/admin/calendars", response_model=CalendarLoadAnswer, status_code=200)
def load_calendars(
    body: CalendarFileBody, services: ServicesDep, principal: AdminDep
) -> dict[str, Any]:
    """Record a calendar file's new and changed entries; the same file again records nothing.
    Admins only; a bad date, an inverted or overlapping period or an unknown province is 422
    and records nothing."""
    document = body.model_dump(mode="json", exclude_none=True)
    return services.registry.load_calendar(principal, document).as_dict()


@router.get("/v1/public/calendars/{province}/{year}", response_model=ProvinceCalendar)
def province_calendar(
    services: ServicesDep,
    province: Annotated[str, Path(pattern=r"^\d{2}$", description="two-digit code, e.g. 44")],
    year: Annotated[int, Path(ge=2000, le=2100)],
) -> dict[str, Any]:
    """A province's statutory holidays and school vacations of a year, with their sources, as
    recorded: what its academic lessons are judged against. No key needed."""
    return services.registry.school_calendar(province, year)
