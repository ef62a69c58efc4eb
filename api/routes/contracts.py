"""Training contracts: the prepaid ledger reported by feeds and regulators."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from api.deps import PrincipalDep, RegistryDep, WriterDep
from api.paging import Cursor, Limit, after_version, event_page
from api.schemas.common import EventPage, WriteAnswer
from api.schemas.contracts import (
    ConsumptionReport,
    ContractCompletion,
    ContractCreate,
    ContractDetail,
    ContractTermination,
    ContractTransfer,
    PaymentReport,
    RefundReport,
    ReleaseReport,
)

router = APIRouter(prefix="/v1/contracts", tags=["training contracts"])


@router.post("", response_model=WriteAnswer, status_code=201)
def sign_contract(body: ContractCreate, writer: WriterDep) -> JSONResponse:
    """Report a signed prepaid contract of an institution in the key's districts."""
    return writer.execute(body, body.to_command(), status_code=201)


@router.get("/{contract_id}", response_model=ContractDetail)
def get_contract(
    contract_id: UUID,
    registry: RegistryDep,
    principal: PrincipalDep,
    response: Response,
    method: Annotated[Literal["pooled", "paid_first"], Query()] = "pooled",
) -> dict[str, Any]:
    """The contract's ledger: paid, consumed, released, refunded, unconsumed, breaches."""
    view = registry.contract(principal, contract_id, method)
    response.headers["ETag"] = f'"{view["version"]}"'
    return view


@router.get("/{contract_id}/ledger", response_model=EventPage)
def get_contract_ledger(
    contract_id: UUID,
    registry: RegistryDep,
    principal: PrincipalDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """The contract's events in order, with log positions."""
    events = registry.contract_ledger(principal, contract_id, after_version(cursor), limit + 1)
    return event_page(events, limit)


@router.post("/{contract_id}/payments", response_model=WriteAnswer)
def record_payment(contract_id: UUID, body: PaymentReport, writer: WriterDep) -> JSONResponse:
    """Report prepaid fees collected; breaches of the prepaid rules are flagged, not refused."""
    return writer.execute(body, body.to_command(contract_id=contract_id))


@router.post("/{contract_id}/consumptions", response_model=WriteAnswer)
def record_consumption(
    contract_id: UUID, body: ConsumptionReport, writer: WriterDep
) -> JSONResponse:
    """Report lessons taught; never more than were bought."""
    return writer.execute(body, body.to_command(contract_id=contract_id))


@router.post("/{contract_id}/releases", response_model=WriteAnswer)
def release_escrow(contract_id: UUID, body: ReleaseReport, writer: WriterDep) -> JSONResponse:
    """Report escrow released to the institution; over the releasable amount → 422."""
    return writer.execute(body, body.to_command(contract_id=contract_id))


@router.post("/{contract_id}/refunds", response_model=WriteAnswer)
def record_refund(contract_id: UUID, body: RefundReport, writer: WriterDep) -> JSONResponse:
    """Report a refund to the family; over the unconsumed amount → 422."""
    return writer.execute(body, body.to_command(contract_id=contract_id))


@router.post("/{contract_id}/termination", response_model=WriteAnswer)
def terminate_contract(
    contract_id: UUID, body: ContractTermination, writer: WriterDep
) -> JSONResponse:
    """End the contract early; the unconsumed amount stays owed."""
    return writer.execute(body, body.to_command(contract_id=contract_id))


@router.post("/{contract_id}/completion", response_model=WriteAnswer)
def complete_contract(
    contract_id: UUID, body: ContractCompletion, writer: WriterDep
) -> JSONResponse:
    """Close a contract whose paid lessons were all taught or refunded."""
    return writer.execute(body, body.to_command(contract_id=contract_id))


@router.post("/{contract_id}/transfer", response_model=WriteAnswer)
def transfer_contract(contract_id: UUID, body: ContractTransfer, writer: WriterDep) -> JSONResponse:
    """Hand the contract of a converting institution to its non-profit successor (营转非)."""
    return writer.execute(body, body.to_command(contract_id=contract_id))
