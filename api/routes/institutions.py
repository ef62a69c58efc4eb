"""Institutions: the regulator's commands and the full regulator view."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime

from api.deps import ConsistentDep, PrincipalDep, RegistryDep, ServicesDep, WriterDep
from api.paging import Cursor, Limit, after_version, decode_cursor, encode_cursor, event_page
from api.schemas.common import Day, EventPage, WriteAnswer
from api.schemas.institutions import (
    Annulment,
    Blacklisting,
    BlacklistRemoval,
    Cessation,
    ConversionAbandonment,
    ConversionCompletion,
    ConversionStart,
    Deregistration,
    InspectionRecord,
    InstitutionCreate,
    InstitutionDetail,
    InstitutionList,
    LicenceIssue,
    LicenceRenewal,
    PenaltyDecision,
    RectificationOrder,
    RectificationVerification,
    Revocation,
    StaffFiling,
    SupervisionEnd,
    SupervisionEstablish,
    SuspensionLift,
    SuspensionOrder,
)
from registry.application.results import WriteResult
from registry.domain.errors import InvalidInput
from registry.domain.vocabulary import InstitutionStatus
from registry.projections import regulator_list

router = APIRouter(prefix="/v1/institutions", tags=["institutions"])

InstitutionId = Annotated[UUID, "institution id"]


def _created_child(key: str):  # type: ignore[no-untyped-def]
    """Shape of a write that creates a record inside the institution (inspection, order)."""

    def shape(result: WriteResult) -> dict[str, object]:
        extra = result.extra or {}
        return {
            "id": extra[key],
            "institution_id": str(result.id),
            "version": result.version,
            "position": result.position,
        }

    return shape


@router.post("", response_model=WriteAnswer, status_code=201)
def register_institution(body: InstitutionCreate, writer: WriterDep) -> JSONResponse:
    """Register an institution of the regulator's district; one registration per credit code."""
    return writer.execute(body, body.to_command(), status_code=201)


@router.get("", response_model=InstitutionList, dependencies=[ConsistentDep])
def list_institutions(
    services: ServicesDep,
    principal: PrincipalDep,
    status: InstitutionStatus | None = None,
    category: Literal["academic", "non_academic"] | None = None,
    district_code: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
    licence_expiring_before: Annotated[
        Day | None, Query(description="licence valid to a day before this date")
    ] = None,
    open_rectification: Annotated[
        bool | None, Query(description="with (true) or without (false) an open order")
    ] = None,
    blacklisted: bool | None = None,
    supervision_mode: Annotated[
        Literal["bank_custody", "risk_reserve", "none"] | None,
        Query(description="`none`: no fund supervision in place"),
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """The regulator's list of the key's districts (an admin: all), in credit-code order."""
    principal.require(("regulator",), district_code)
    if district_code:
        districts: list[str] | None = [district_code]
    elif principal.role == "regulator":
        districts = list(principal.districts)
    else:
        districts = None
    after = decode_cursor(cursor).get("after")
    if after is not None and not isinstance(after, str):
        raise InvalidInput("the cursor is not one this API issued", "cursor")
    items, more = regulator_list.search(
        services.views.engine,
        districts=districts,
        status=status,
        category=category,
        licence_expiring_before=licence_expiring_before,
        open_rectification=open_rectification,
        blacklisted=blacklisted,
        supervision_mode=supervision_mode,
        after_credit_code=after,
        limit=limit,
    )
    next_cursor = encode_cursor({"after": items[-1]["credit_code"]}) if more else None
    return {"items": items, "next_cursor": next_cursor}


@router.get("/{institution_id}", response_model=InstitutionDetail)
def get_institution(
    institution_id: UUID,
    registry: RegistryDep,
    principal: PrincipalDep,
    response: Response,
    as_of: Annotated[
        Day | None, Query(description="in force at the end of this day (default today)")
    ] = None,
    known_at: Annotated[
        AwareDatetime | None, Query(description="as recorded by this time (RFC 3339)")
    ] = None,
) -> dict[str, object]:
    """The full regulator view: what was in force at the end of ``as_of`` (Asia/Shanghai) by
    the decisions' effective dates, as the registry knew it at ``known_at``."""
    view = registry.institution(principal, institution_id, as_of=as_of, known_at=known_at)
    response.headers["ETag"] = f'"{view["version"]}"'
    return view


@router.get("/{institution_id}/events", response_model=EventPage)
def get_institution_events(
    institution_id: UUID,
    registry: RegistryDep,
    principal: PrincipalDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """The institution's events in order, with log positions, record times and actors."""
    events = registry.institution_events(
        principal, institution_id, after_version(cursor), limit + 1
    )
    return event_page(events, limit)


@router.post("/{institution_id}/licence", response_model=WriteAnswer)
def issue_licence(institution_id: UUID, body: LicenceIssue, writer: WriterDep) -> JSONResponse:
    """Issue the institution's licence (办学许可证)."""
    return writer.execute(body, body.to_command(institution_id=institution_id))


@router.post("/{institution_id}/licence/renewal", response_model=WriteAnswer)
def renew_licence(institution_id: UUID, body: LicenceRenewal, writer: WriterDep) -> JSONResponse:
    """Extend a current licence to a later end date."""
    return writer.execute(body, body.to_command(institution_id=institution_id))


@router.post("/{institution_id}/supervision", response_model=WriteAnswer)
def establish_supervision(
    institution_id: UUID, body: SupervisionEstablish, writer: WriterDep
) -> JSONResponse:
    """Put the institution's prepaid fees under bank custody or a risk reserve."""
    return writer.execute(body, body.to_command(institution_id=institution_id))


@router.post("/{institution_id}/supervision/end", response_model=WriteAnswer)
def end_supervision(institution_id: UUID, body: SupervisionEnd, writer: WriterDep) -> JSONResponse:
    """Record that the institution's fund supervision ended."""
    return writer.execute(body, body.to_command(institution_id=institution_id))


@router.post("/{institution_id}/annulments", response_model=WriteAnswer, status_code=201)
def annul_decision(institution_id: UUID, body: Annulment, writer: WriterDep) -> JSONResponse:
    """Annul a decision set aside on reconsideration (行政复议) or by a court, named by its log
    position: it no longer counts for what was in force, and stays in the record."""
    return writer.execute(body, body.to_command(institution_id=institution_id), status_code=201)


@router.post("/{institution_id}/staff", response_model=WriteAnswer)
def file_staff(institution_id: UUID, body: StaffFiling, writer: WriterDep) -> JSONResponse:
    """File a member of the institution's teaching staff."""
    return writer.execute(body, body.to_command(institution_id=institution_id))


@router.post("/{institution_id}/inspections", response_model=WriteAnswer, status_code=201)
def record_inspection(
    institution_id: UUID, body: InspectionRecord, writer: WriterDep
) -> JSONResponse:
    """Record an inspection and its findings; answers the new inspection's id."""
    return writer.execute(
        body,
        body.to_command(institution_id=institution_id),
        status_code=201,
        shape=_created_child("inspection_id"),
    )


@router.post("/{institution_id}/rectification-orders", response_model=WriteAnswer, status_code=201)
def order_rectification(
    institution_id: UUID, body: RectificationOrder, writer: WriterDep
) -> JSONResponse:
    """Order rectification of an inspection's findings by a deadline; answers the order's id."""
    return writer.execute(
        body,
        body.to_command(institution_id=institution_id),
        status_code=201,
        shape=_created_child("order_id"),
    )


@router.post(
    "/{institution_id}/rectification-orders/{order_id}/verification", response_model=WriteAnswer
)
def verify_rectification(
    institution_id: UUID,
    order_id: str,
    body: RectificationVerification,
    writer: WriterDep,
) -> JSONResponse:
    """Record the bureau's check of a rectification order."""
    return writer.execute(body, body.to_command(institution_id=institution_id, order_id=order_id))


@router.post("/{institution_id}/suspension", response_model=WriteAnswer)
def suspend_enrolment(
    institution_id: UUID, body: SuspensionOrder, writer: WriterDep
) -> JSONResponse:
    """Order the institution to stop enrolling (责令停止招收学员)."""
    return writer.execute(body, body.to_command(institution_id=institution_id))


@router.post("/{institution_id}/suspension/lift", response_model=WriteAnswer)
def lift_suspension(institution_id: UUID, body: SuspensionLift, writer: WriterDep) -> JSONResponse:
    """Lift an enrolment suspension; refused while a rectification order is overdue."""
    return writer.execute(body, body.to_command(institution_id=institution_id))


@router.post("/{institution_id}/penalties", response_model=WriteAnswer)
def impose_penalty(institution_id: UUID, body: PenaltyDecision, writer: WriterDep) -> JSONResponse:
    """Record an administrative penalty decision."""
    return writer.execute(body, body.to_command(institution_id=institution_id))


@router.post("/{institution_id}/revocation", response_model=WriteAnswer)
def revoke_licence(institution_id: UUID, body: Revocation, writer: WriterDep) -> JSONResponse:
    """Revoke the licence after notice was served."""
    return writer.execute(body, body.to_command(institution_id=institution_id))


@router.post("/{institution_id}/conversion", response_model=WriteAnswer)
def start_conversion(
    institution_id: UUID, body: ConversionStart, writer: WriterDep
) -> JSONResponse:
    """Start converting a for-profit academic institution to non-profit (营转非)."""
    return writer.execute(body, body.to_command(institution_id=institution_id))


@router.post("/{institution_id}/conversion/completion", response_model=WriteAnswer)
def complete_conversion(
    institution_id: UUID, body: ConversionCompletion, writer: WriterDep
) -> JSONResponse:
    """Complete the conversion, handing over to the registered non-profit successor."""
    return writer.execute(body, body.to_command(institution_id=institution_id))


@router.post("/{institution_id}/conversion/abandonment", response_model=WriteAnswer)
def abandon_conversion(
    institution_id: UUID, body: ConversionAbandonment, writer: WriterDep
) -> JSONResponse:
    """Abandon the conversion in progress; the institution is licensed again."""
    return writer.execute(body, body.to_command(institution_id=institution_id))


@router.post("/{institution_id}/cessation", response_model=WriteAnswer)
def cease_operations(institution_id: UUID, body: Cessation, writer: WriterDep) -> JSONResponse:
    """Record that the institution ceased operating, voluntarily or abnormally."""
    return writer.execute(body, body.to_command(institution_id=institution_id))


@router.post("/{institution_id}/blacklisting", response_model=WriteAnswer)
def blacklist(institution_id: UUID, body: Blacklisting, writer: WriterDep) -> JSONResponse:
    """Put the institution on the public blacklist."""
    return writer.execute(body, body.to_command(institution_id=institution_id))


@router.delete("/{institution_id}/blacklisting", response_model=WriteAnswer)
def remove_from_blacklist(
    institution_id: UUID, body: BlacklistRemoval, writer: WriterDep
) -> JSONResponse:
    """Take the institution off the blacklist."""
    return writer.execute(body, body.to_command(institution_id=institution_id))


@router.post("/{institution_id}/deregistration", response_model=WriteAnswer)
def deregister(institution_id: UUID, body: Deregistration, writer: WriterDep) -> JSONResponse:
    """Remove a revoked, ceased or converted institution from the register (注销)."""
    return writer.execute(body, body.to_command(institution_id=institution_id))
