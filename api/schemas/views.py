"""Views for regulators: refund tracking, the change feed, risk alerts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class Block(BaseModel):
    """What one charge bought: lessons consume the blocks in the order paid."""

    amount_fen: int
    paid_lessons: int
    gift_lessons: int


class ContractFigures(BaseModel):
    contract_id: str
    status: str
    consumed_lessons: int
    collected_fen: int
    consumed_value_fen: int
    released_fen: int
    refunded_fen: int
    unconsumed_fen: int
    escrow_balance_fen: int
    coverage_ratio: float | None
    blocks: list[Block]


class RefundTracking(BaseModel):
    institution_id: str
    collected_fen: int
    consumed_value_fen: int
    released_fen: int
    refunded_fen: int
    unconsumed_fen: int
    escrow_balance_fen: int
    # The risk reserve deposited under fund supervision: coverage counts it with the escrow.
    reserve_fen: int
    coverage_ratio: float | None
    supervision_ended_on: date | None = Field(
        None,
        description="the day the fund supervision ended, while none is in place again "
        "(coverage then counts nothing as held)",
    )
    open_contracts: int
    open_refund_cases: int
    contracts: list[ContractFigures]


class FeedItem(BaseModel):
    position: int
    stream_id: str
    version: int
    type: str
    district_code: str | None = Field(
        description="null for the registry's own streams (clock, rosters)"
    )
    recorded_at: datetime
    actor: dict[str, Any]
    data: dict[str, Any]


class FeedPage(BaseModel):
    items: list[FeedItem]
    last_position: int
    next_cursor: str | None


class RiskAlert(BaseModel):
    """A risk signal raised on an institution (docs/domain.md §4.10), with what raised it."""

    id: str
    institution_id: str
    district_code: str
    signal: Literal[
        "coverage",
        "compliance_breach",
        "prepaid_inflow_spike",
        "rectification_overdue",
        "licence_expiring",
        "abnormal_closure",
        "complaint_surge",
        "licence_expired",
        "supervision_ended",
    ]
    subject: str | None = Field(description="the contract, rectification order or licence")
    level: Literal["yellow", "red"]
    rule: str
    rule_version: str
    metrics: dict[str, Any] = Field(description="the figures the signal was judged on")
    event_positions: list[int] = Field(description="log positions of the events behind it")
    raised_at: datetime
    status: Literal["open", "resolved"]
    resolved_at: datetime | None


class RiskAlertPage(BaseModel):
    items: list[RiskAlert]
    next_cursor: str | None
