"""Institutions: the regulator's commands and the full regulator view."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal, get_args
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import (
    Body,
    Fen,
    ShortText,
    Text,
)
from registry.domain.commands import Command
from registry.domain.commands import institutions as cmd
from registry.domain.vocabulary import InstitutionStatus, PenaltyKind


class InstitutionCreate(Body):
    command: ClassVar[type[Command]] = cmd.RegisterInstitution

    name: Text
    credit_code: Annotated[str, Field(min_length=1, max_length=32, description="18-char USCC")]
    district_code: Annotated[str, Field(min_length=1, max_length=12)]
    address: Text
    category: Literal["academic", "non_academic"]
    subjects: Annotated[list[ShortText], Field(min_length=1, max_length=30)]
    delivery: Literal["offline", "online"]
    legal_form: Literal["company", "non_profit"]
    legal_representative: ShortText
    icp_number: ShortText | None = None
    successor_of: UUID | None = Field(
        None, description="the predecessor of a conversion successor (营转非)"
    )
    registered_on: date | None = Field(None, description="in the register from; default today")


class LicenceIssue(Body):
    command: ClassVar[type[Command]] = cmd.IssueLicence

    licence_no: ShortText
    approving_authority: Text
    valid_from: date
    valid_to: date


class LicenceRenewal(Body):
    command: ClassVar[type[Command]] = cmd.RenewLicence

    valid_to: date
    renewed_on: date | None = Field(None, description="renewed from this day; default today")


class StaffFiling(Body):
    command: ClassVar[type[Command]] = cmd.FileStaffMember

    name: ShortText
    role: ShortText
    qualification: ShortText | None = None
    certificate_no: ShortText | None = None
    serving_school_teacher: bool


class SupervisionEstablish(Body):
    command: ClassVar[type[Command]] = cmd.EstablishFundSupervision

    mode: Literal["bank_custody", "risk_reserve"]
    bank: Text
    account_no: Annotated[str, Field(min_length=4, max_length=40)]
    agreement_no: ShortText
    reserve_fen: Fen | None = None
    established_on: date | None = Field(None, description="in place from; default today")


class SupervisionEnd(Body):
    command: ClassVar[type[Command]] = cmd.EndFundSupervision

    reason: Text
    ended_on: date | None = Field(None, description="default today")


class Annulment(Body):
    command: ClassVar[type[Command]] = cmd.AnnulDecision

    position: Annotated[
        int, Field(ge=1, le=2**63 - 1, description="the annulled decision's log position")
    ]
    decision_no: ShortText
    reason: Text
    annulled_on: date | None = Field(None, description="the annulling decision's date")


class Finding(Body):
    code: ShortText
    description: Text
    severity: Literal["minor", "major", "critical"]


class InspectionRecord(Body):
    command: ClassVar[type[Command]] = cmd.RecordInspection

    inspected_on: date
    kind: Literal["routine", "random", "complaint", "special", "fund_audit"]
    inspectors: Annotated[list[ShortText], Field(min_length=1, max_length=20)]
    findings: Annotated[list[Finding], Field(max_length=100)] = []
    result: Literal["pass", "rectify", "fail"]


class RectificationOrder(Body):
    command: ClassVar[type[Command]] = cmd.OrderRectification

    inspection_id: ShortText
    items: Annotated[list[Text], Field(min_length=1, max_length=100)]
    issued_on: date | None = None
    deadline: date


class RectificationVerification(Body):
    command: ClassVar[type[Command]] = cmd.VerifyRectification

    verified_on: date
    outcome: Literal["completed", "failed"]


class SuspensionOrder(Body):
    command: ClassVar[type[Command]] = cmd.SuspendEnrolment

    decision_no: ShortText
    reason: Text
    effective_from: date


class SuspensionLift(Body):
    command: ClassVar[type[Command]] = cmd.LiftSuspension

    decision_no: ShortText
    lifted_on: date


class PenaltyDecision(Body):
    command: ClassVar[type[Command]] = cmd.ImposePenalty

    decision_no: ShortText
    # Published as the national catalogue; the rule pack in force checks each kind, so an
    # unknown one is refused with the rule ``penalty.kind`` (a local pack may allow fewer).
    kinds: Annotated[
        list[ShortText],
        Field(
            min_length=1,
            max_length=10,
            description="kinds from the national catalogue (教育部令第53号); the rule pack in "
            "force may allow fewer, and refuses any other kind with the rule `penalty.kind`",
            json_schema_extra={"items": {"type": "string", "enum": list(get_args(PenaltyKind))}},
        ),
    ]
    fine_fen: Fen = 0
    illegal_gains_fen: Fen = 0
    decided_on: date


class Revocation(Body):
    command: ClassVar[type[Command]] = cmd.RevokeLicence

    decision_no: ShortText
    reason: Text
    notice_served_on: date
    effective_on: date


class ConversionStart(Body):
    command: ClassVar[type[Command]] = cmd.StartConversion

    started_on: date
    planned_successor_name: Text


class ConversionCompletion(Body):
    command: ClassVar[type[Command]] = cmd.CompleteConversion

    successor_id: UUID
    completed_on: date


class ConversionAbandonment(Body):
    command: ClassVar[type[Command]] = cmd.AbandonConversion

    abandoned_on: date
    reason: Text


class Cessation(Body):
    command: ClassVar[type[Command]] = cmd.CeaseOperations

    kind: Literal["voluntary", "abnormal"]
    ceased_on: date
    reason: Text


class Blacklisting(Body):
    command: ClassVar[type[Command]] = cmd.Blacklist

    reasons: Annotated[list[Text], Field(min_length=1, max_length=20)]
    decision_no: ShortText
    listed_on: date | None = None


class BlacklistRemoval(Body):
    command: ClassVar[type[Command]] = cmd.RemoveFromBlacklist

    decision_no: ShortText
    removed_on: date | None = None


class Deregistration(Body):
    command: ClassVar[type[Command]] = cmd.Deregister

    deregistered_on: date
    reason: Text


class InstitutionDetail(BaseModel):
    """The regulator view of an institution."""

    id: str
    name: str
    credit_code: str
    district_code: str
    address: str
    category: str
    subjects: list[str]
    delivery: str
    legal_form: str
    legal_representative: str
    icp_number: str | None
    successor_of: str | None
    status: Literal[
        "registered",
        "licensed",
        "suspended",
        "converting",
        "converted",
        "revoked",
        "ceased",
        "deregistered",
    ]
    licence: dict[str, Any] | None
    supervision: dict[str, Any] | None
    blacklisted: bool
    blacklisting: dict[str, Any] | None
    staff: list[dict[str, Any]]
    inspections: list[dict[str, Any]]
    rectification_orders: list[dict[str, Any]]
    open_rectification_orders: list[str]
    # Open orders past their deadline, from the day after it (as of the view's day).
    overdue_rectification_orders: list[str] = []
    suspension: dict[str, Any] | None
    penalties: list[dict[str, Any]]
    revocation: dict[str, Any] | None
    conversion: dict[str, Any] | None
    cessation: dict[str, Any] | None
    deregistration: dict[str, Any] | None
    version: int
    registered_at: datetime
    modified_at: datetime
    registered_on: date
    as_of: date = Field(description="the day the standing is in force on")
    known_at: datetime | None = Field(None, description="only what was recorded by then")
    legitimate: bool
    licence_expired: bool
    record_status: str = Field(description="the status with every recorded decision applied")
    pending: list[dict[str, Any]] = Field(
        description="decisions on the record that take effect after as_of"
    )


class InstitutionListItem(BaseModel):
    """One line of the regulator's list: no personal data."""

    id: str
    name: str
    credit_code: str
    district_code: str
    category: Literal["academic", "non_academic"]
    status: InstitutionStatus
    licence_no: str | None
    licence_valid_to: date | None
    supervision_mode: Literal["bank_custody", "risk_reserve"] | None
    blacklisted: bool
    legitimate: bool = Field(
        description="licensed, within the licence, supervised and not blacklisted on the "
        "list's day (the last day the registry reviewed), by effective dates"
    )
    open_rectification_orders: int
    position: int = Field(description="log position of the last change")


class InstitutionList(BaseModel):
    items: list[InstitutionListItem]
    next_cursor: str | None
