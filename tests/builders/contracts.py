"""Prepaid training contracts (预付费培训合同): the worked example, its fees and lessons.

A family buys a spring art course of 48 paid + 4 gift lessons at 90 yuan a lesson and pays
4,320.00 yuan into the supervised account in one charge: the worked example of
``docs/domain.md`` (Money). The field builders serve the application's typed commands and, as
JSON, the API's bodies; ``signed``, ``collect``, ``consume`` and ``paid`` build the
``TrainingContract`` aggregate itself.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from registry.domain.clock import SHANGHAI
from registry.domain.contract import TrainingContract
from tests.builders.principals import BANK_FEED

PAID_LESSONS, GIFT_LESSONS, PRICE_FEN = 48, 4, 9_000
PAID_IN_FULL_FEN = PAID_LESSONS * PRICE_FEN  # 432,000 fen = 4,320.00 yuan
GUARDIAN_NAME = "王丽娟"
GUARDIAN_PHONE = "13911112222"


def shanghai(day: str, hh_mm: str) -> datetime:
    """A time of day in Asia/Shanghai."""
    return datetime.fromisoformat(f"{day}T{hh_mm}").replace(tzinfo=SHANGHAI)


def contract_terms(**overrides: Any) -> dict[str, Any]:
    """What the family signed: the course, its lessons, its price and its dates."""
    return {
        "pupil_ref": "pupil-2026-0417",
        "guardian_name": GUARDIAN_NAME,
        "guardian_phone": GUARDIAN_PHONE,
        "course": "少儿美术基础班（春季）",
        "paid_lessons": PAID_LESSONS,
        "gift_lessons": GIFT_LESSONS,
        "price_per_lesson_fen": PRICE_FEN,
        "start_date": date(2026, 3, 2),
        "end_date": date(2026, 5, 31),
        **overrides,
    }


def payment(**overrides: Any) -> dict[str, Any]:
    """The whole fee, paid by WeChat into the supervised account, covering the 48 paid lessons."""
    return {
        "amount_fen": PAID_IN_FULL_FEN,
        "paid_at": shanghai("2026-03-01", "10:00"),
        "channel": "微信支付",
        "into_supervised_account": True,
        "lessons_covered": PAID_LESSONS,
        "covers_until": date(2026, 5, 31),
        **overrides,
    }


# -- the aggregate, built through its own commands --------------------------------------------

# The institution as the application hands it to the contract at the moment of a payment.
OPERATING_UNDER_CUSTODY: dict[str, Any] = {
    "status": "licensed",
    "supervision": {"mode": "bank_custody", "bank": "中国工商银行北京海淀支行"},
}


def signing(**overrides: Any) -> dict[str, Any]:
    """What ``TrainingContract.sign`` takes for a contract of a 海淀区 arts school."""
    return {
        "institution_id": UUID("4c1d6a52-8a43-5f6e-9d1b-2f0a7c3e9b11"),
        "district_code": "110108",
        "category": "non_academic",
        **contract_terms(),
        "supervision_mode": "bank_custody",
        "actor": BANK_FEED,
        **overrides,
    }


def signed(category: str = "non_academic", **terms: Any) -> TrainingContract:
    """A contract of a 海淀区 institution, signed and with no pending events."""
    contract = TrainingContract.sign(**signing(category=category, **terms))
    contract.collect_events()
    return contract


def collect(contract: TrainingContract, **overrides: Any) -> None:
    """A clean fee collection into the supervised account, with ``overrides``."""
    contract.collect_fee(
        **{
            **payment(),
            "institution": OPERATING_UNDER_CUSTODY,
            "actor": BANK_FEED,
            **overrides,
        }
    )


def consume(contract: TrainingContract, **overrides: Any) -> None:
    """A clean afternoon session of two offline lessons on a Tuesday, with ``overrides``."""
    contract.consume_lessons(
        **{
            "lessons": 2,
            "starts_at": shanghai("2026-03-10", "16:00"),
            "ends_at": shanghai("2026-03-10", "17:30"),
            "delivery": "offline",
            "actor": BANK_FEED,
            **overrides,
        }
    )


def paid(consumed: int = 0, **terms: Any) -> TrainingContract:
    """The worked example: paid in full, ``consumed`` lessons taught; no pending events."""
    contract = signed(**terms)
    collect(contract)
    if consumed:
        consume(contract, lessons=consumed, ends_at=shanghai("2026-03-10", "19:00"))
    contract.collect_events()
    return contract
