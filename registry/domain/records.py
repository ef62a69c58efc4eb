"""What the register keeps of an institution's closing decisions: revocation, conversion (营转非),
cessation, blacklisting and deregistration, as plain records of the ``Institution`` aggregate."""

from __future__ import annotations

from typing import TypedDict


class Revocation(TypedDict):
    decision_no: str
    reason: str
    notice_served_on: str
    effective_on: str


class Conversion(TypedDict, total=False):
    started_on: str
    planned_successor_name: str
    successor_id: str | None
    successor_credit_code: str
    completed_on: str | None
    abandoned_on: str
    abandonment_reason: str


class Cessation(TypedDict):
    kind: str
    ceased_on: str
    reason: str


class Blacklisting(TypedDict):
    reasons: list[str]
    decision_no: str
    listed_on: str


class Deregistration(TypedDict):
    deregistered_on: str
    reason: str


# What an annulment restores from the decisions that still count.
RESTORED = (
    "licence",
    "supervision",
    "suspension",
    "penalties",
    "revocation",
    "conversion",
    "cessation",
    "blacklisting",
    "deregistration",
)
