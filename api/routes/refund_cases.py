"""Refund cases: complaint, assessment, mediation, court, payment, closure; the case file."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from api.deps import (
    ConsistentDep,
    PrincipalDep,
    RegistryDep,
    ServicesDep,
    WriterDep,
)
from api.paging import Cursor, Limit, decode_cursor, encode_cursor
from api.schemas.common import WriteAnswer
from api.schemas.refund_cases import (
    AssessmentRequest,
    CaseClosure,
    CaseWithdrawal,
    CourtReferral,
    EvidenceAttach,
    JudgmentRecord,
    MediationRecord,
    RefundCaseCreate,
    RefundCaseDetail,
    RefundCaseList,
    RefundPayment,
)
from registry.application.case_views import CaseFile
from registry.domain.errors import InvalidInput

router = APIRouter(prefix="/v1/refund-cases", tags=["refund cases"])

CaseStatus = Literal[
    "opened",
    "assessed",
    "settled",
    "mediation_failed",
    "referred_to_court",
    "judged",
    "closed",
    "withdrawn",
]


@router.post("", response_model=WriteAnswer, status_code=201)
def open_case(body: RefundCaseCreate, writer: WriterDep) -> JSONResponse:
    """Open a refund dispute over contracts of one institution."""
    return writer.execute(body, body.to_command(), status_code=201)


@router.get("", response_model=RefundCaseList, dependencies=[ConsistentDep])
def list_cases(
    services: ServicesDep,
    registry: RegistryDep,
    principal: PrincipalDep,
    institution_id: UUID | None = None,
    status: Annotated[CaseStatus | None, Query()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """Refund cases of the key's districts (all districts for courts and admins)."""
    principal.require(("regulator", "court"))
    if institution_id is not None:
        principal.require(("regulator", "court"), registry.institution_district(institution_id))
    after = decode_cursor(cursor).get("after")
    if after is not None and not isinstance(after, str):
        raise InvalidInput("the cursor is not one this API issued", "cursor")
    districts = list(principal.districts) if principal.districts else None
    items = services.views.refund_cases(
        districts=districts,
        institution_id=str(institution_id) if institution_id else None,
        status=status,
        after=after,
        limit=limit + 1,
    )
    page, more = items[:limit], len(items) > limit
    return {
        "items": page,
        "next_cursor": encode_cursor({"after": page[-1]["id"]}) if more else None,
    }


@router.get("/{case_id}", response_model=RefundCaseDetail)
def get_case(
    case_id: UUID, registry: RegistryDep, principal: PrincipalDep, response: Response
) -> dict[str, Any]:
    """The case with its evidence, assessment, mediation, court steps and payments."""
    view = registry.refund_case(principal, case_id)
    response.headers["ETag"] = f'"{view["version"]}"'
    return view


@router.post("/{case_id}/evidence", response_model=WriteAnswer)
def attach_evidence(case_id: UUID, body: EvidenceAttach, writer: WriterDep) -> JSONResponse:
    """Attach an item of evidence by its SHA-256 digest."""
    return writer.execute(body, body.to_command(case_id=case_id))


@router.post("/{case_id}/assessment", response_model=WriteAnswer)
def assess(case_id: UUID, body: AssessmentRequest, writer: WriterDep) -> JSONResponse:
    """Compute the unconsumed amount from the contracts' ledgers; answers assessed_fen."""
    return writer.execute(body, body.to_command(case_id=case_id))


@router.post("/{case_id}/mediation", response_model=WriteAnswer)
def mediation(case_id: UUID, body: MediationRecord, writer: WriterDep) -> JSONResponse:
    """Record the outcome of mediation: an agreed amount, or failure."""
    return writer.execute(body, body.to_command(case_id=case_id))


@router.post("/{case_id}/court-referral", response_model=WriteAnswer)
def court_referral(case_id: UUID, body: CourtReferral, writer: WriterDep) -> JSONResponse:
    """Refer a case whose mediation failed to the court."""
    return writer.execute(body, body.to_command(case_id=case_id))


@router.post("/{case_id}/judgment", response_model=WriteAnswer)
def judgment(case_id: UUID, body: JudgmentRecord, writer: WriterDep) -> JSONResponse:
    """Record the court's judgment and the amount awarded (court role)."""
    return writer.execute(body, body.to_command(case_id=case_id))


@router.post("/{case_id}/payments", response_model=WriteAnswer)
def payment(case_id: UUID, body: RefundPayment, writer: WriterDep) -> JSONResponse:
    """Record a refund paid; never above what was agreed or awarded."""
    return writer.execute(body, body.to_command(case_id=case_id))


@router.post("/{case_id}/closure", response_model=WriteAnswer)
def closure(case_id: UUID, body: CaseClosure, writer: WriterDep) -> JSONResponse:
    """Close a settled or judged case."""
    return writer.execute(body, body.to_command(case_id=case_id))


@router.post("/{case_id}/withdrawal", response_model=WriteAnswer)
def withdrawal(case_id: UUID, body: CaseWithdrawal, writer: WriterDep) -> JSONResponse:
    """The claimant withdraws the case."""
    return writer.execute(body, body.to_command(case_id=case_id))


ZIP = {"content": {"application/zip": {}}, "description": "the court case file (ZIP)"}


def _zip_answer(case_file: CaseFile, status: int) -> Response:
    filename = f"case-{case_file.case_id}-{case_file.position}.zip"
    return Response(
        content=case_file.archive,
        status_code=status,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Manifest-SHA256": case_file.manifest_sha256,
            "X-Registry-Position": str(case_file.position),
            "X-Personal-Data": case_file.personal_data,
        },
    )


@router.post(
    "/{case_id}/case-files", response_class=Response, status_code=201, responses={201: ZIP}
)
def export_case_file(case_id: UUID, registry: RegistryDep, principal: PrincipalDep) -> Response:
    """Export the court case file as the log stands now: an act recorded on the case
    (``CaseFileExported``, with the manifest's SHA-256). The ZIP holds index.pdf, ledger.csv,
    events.json, manifest.json with manifest.sig and public-key.pem, SHA256SUMS and README.txt;
    X-Registry-Position and X-Manifest-SHA256 name its position and digest."""
    case_file, _ = registry.export_case_file(principal, case_id)
    return _zip_answer(case_file, 201)


@router.get("/{case_id}/case-file", response_class=Response, responses={200: ZIP})
def case_file(
    case_id: UUID,
    registry: RegistryDep,
    principal: PrincipalDep,
    position: Annotated[
        int | None, Query(ge=1, le=2**63 - 1, description="the log as it stood at this position")
    ] = None,
) -> Response:
    """The court case file as the log stood at ``position`` (default: now). Reading it records
    nothing; the same position gives the same bytes as its export."""
    return _zip_answer(registry.case_file(principal, case_id, position), 200)
