"""Facts that feeds (banks, teaching platforms) and regulators report about prepaid contracts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from registry.domain.commands import Command, ContractCommand
from registry.domain.vocabulary import Delivery, TerminatedBy


@dataclass(frozen=True, kw_only=True)
class SignContract(Command):
    """Report a prepaid training contract signed with an institution."""

    institution_id: UUID
    pupil_ref: str
    guardian_name: str
    guardian_phone: str
    course: str
    paid_lessons: int
    price_per_lesson_fen: int
    start_date: date
    end_date: date
    gift_lessons: int = 0


@dataclass(frozen=True, kw_only=True)
class RecordPayment(ContractCommand):
    """Report prepaid fees collected (预收费)."""

    amount_fen: int
    paid_at: datetime
    channel: str
    into_supervised_account: bool
    lessons_covered: int | None = None
    covers_until: date | None = None
    gift_lessons: int | None = None
    covers_from: date | None = None


@dataclass(frozen=True, kw_only=True)
class RecordConsumption(ContractCommand):
    """Report lessons taught (消课)."""

    lessons: int
    starts_at: datetime
    ends_at: datetime
    delivery: Delivery


@dataclass(frozen=True, kw_only=True)
class ReleaseEscrow(ContractCommand):
    """Report supervised funds released to the institution."""

    amount_fen: int


@dataclass(frozen=True, kw_only=True)
class RecordRefund(ContractCommand):
    """Report a refund paid to the family."""

    amount_fen: int
    paid_at: datetime


@dataclass(frozen=True, kw_only=True)
class TerminateContract(ContractCommand):
    """End a contract early; what is unconsumed stays owed."""

    by: TerminatedBy
    reason: str
    terminated_on: date


@dataclass(frozen=True, kw_only=True)
class CompleteContract(ContractCommand):
    """Close a contract whose paid lessons were all taught or refunded."""

    completed_on: date


@dataclass(frozen=True, kw_only=True)
class TransferContract(ContractCommand):
    """Hand a converting institution's contract to its non-profit successor (营转非)."""

    successor_id: UUID
    transferred_on: date
