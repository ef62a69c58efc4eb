"""Training contracts: the facts feeds report, and the ledger."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel

from api.schemas.common import (
    Amount,
    Body,
    Count,
    Phone,
    ShortText,
    Text,
)
from registry.domain.commands import Command
from registry.domain.commands import contracts as cmd


class ContractCreate(Body):
    command: ClassVar[type[Command]] = cmd.SignContract

    institution_id: UUID
    pupil_ref: ShortText
    guardian_name: ShortText
    guardian_phone: Phone
    course: Text
    paid_lessons: Count
    gift_lessons: Count = 0
    price_per_lesson_fen: Amount
    start_date: date
    end_date: date


class PaymentReport(Body):
    command: ClassVar[type[Command]] = cmd.RecordPayment

    amount_fen: Amount
    paid_at: AwareDatetime
    channel: ShortText
    into_supervised_account: bool
    lessons_covered: Count | None = None
    covers_until: date | None = None
    gift_lessons: Count | None = None
    covers_from: date | None = None


class ConsumptionReport(Body):
    command: ClassVar[type[Command]] = cmd.RecordConsumption

    lessons: Count
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    delivery: Literal["offline", "online"]


class ReleaseReport(Body):
    command: ClassVar[type[Command]] = cmd.ReleaseEscrow

    amount_fen: Amount


class RefundReport(Body):
    command: ClassVar[type[Command]] = cmd.RecordRefund

    amount_fen: Amount
    paid_at: AwareDatetime


class ContractTermination(Body):
    command: ClassVar[type[Command]] = cmd.TerminateContract

    by: Literal["guardian", "institution", "regulator"]
    reason: Text
    terminated_on: date


class ContractCompletion(Body):
    command: ClassVar[type[Command]] = cmd.CompleteContract

    completed_on: date


class ContractTransfer(Body):
    command: ClassVar[type[Command]] = cmd.TransferContract

    successor_id: UUID
    transferred_on: date


class Breach(BaseModel):
    rule: str
    rule_version: str
    detail: str
    position: int | None


class ContractDetail(BaseModel):
    """The ledger of one contract; guardian details masked unless the reader needs them."""

    id: str
    institution_id: str
    district_code: str
    category: str
    pupil_ref: str
    guardian_name: str
    guardian_phone: str
    course: str
    paid_lessons: int
    gift_lessons: int
    price_per_lesson_fen: int
    start_date: date
    end_date: date
    supervision_mode: str | None
    status: str
    paid_fen: int
    consumed_lessons: int
    released_fen: int
    refunded_fen: int
    consumed_value_fen: int
    unconsumed_fen: int
    releasable_fen: dict[str, Any]
    escrow_balance_fen: int
    disputed: bool
    method: Literal["pooled", "paid_first"]
    blocks: list[dict[str, Any]]
    worksheet: dict[str, Any]
    payments: list[dict[str, Any]]
    transfers: list[dict[str, Any]]
    breaches: list[Breach]
    version: int
