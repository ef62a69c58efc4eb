"""The money of a prepaid contract, derived from its state: what was paid, taught, owed.

``TrainingContract`` records the facts; this part of it answers the figures the regulator,
the refund tracking and the court read (docs/domain.md §2).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from fractions import Fraction
from typing import Any, TypedDict

from registry.domain import rules
from registry.domain.clock import SHANGHAI
from registry.domain.errors import InvalidInput
from registry.domain.fee_span import Schedule, Span, charge_span
from registry.domain.rules import refuse_unless, require_positive
from registry.domain.unconsumed import (
    POOLED,
    Assessment,
    Block,
    Ledger,
    assess,
    derived_gift_lessons,
)
from registry.domain.vocabulary import ContractStatus

CLOSED = (ContractStatus.COMPLETED, ContractStatus.TERMINATED)


class ContractTerms(TypedDict):
    """What the family and the institution agreed when they signed."""

    institution_id: str
    category: str
    pupil_ref: str
    guardian_name: str
    guardian_phone: str
    course: str
    paid_lessons: int
    gift_lessons: int
    price_per_lesson_fen: int
    start_date: str
    end_date: str
    supervision_mode: str | None


def refuse_impossible_terms(
    paid_lessons: int, gift_lessons: int, price_per_lesson_fen: int, start: date, end: date
) -> None:
    """A contract buys some paid lessons at a price, no negative gifts, and ends after it starts."""
    require_positive(paid_lessons, "paid_lessons")
    require_positive(price_per_lesson_fen, "price_per_lesson_fen")
    refuse_unless(gift_lessons >= 0, rules.AMOUNT_POSITIVE, "gift_lessons cannot be negative")
    refuse_unless(end > start, rules.CONTRACT_TERMS, "end_date must be after start_date")


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class PrepaidLedger:
    """The contract's running totals, the figures derived from them, and the money facts
    they refuse (more taught than bought, more released than taught or refunded than owed)."""

    terms: ContractTerms
    status: ContractStatus
    paid_fen: int
    consumed_lessons: int
    released_fen: int
    refunded_fen: int
    lessons_charged: int
    disputed: bool
    payments: list[dict[str, Any]]
    dispute_case_id: str | None

    @property
    def paid_lessons(self) -> int:
        return self.terms["paid_lessons"]

    @property
    def gift_lessons(self) -> int:
        return self.terms["gift_lessons"]

    @property
    def blocks(self) -> tuple[Block, ...]:
        """What each charge bought, in the order paid: lessons consume them in that order."""
        return tuple(
            Block(p["amount_fen"], p["lessons_covered"], p["gift_lessons"]) for p in self.payments
        )

    def ledger(self) -> Ledger:
        return Ledger(
            blocks=self.blocks,
            refunded_fen=self.refunded_fen,
            consumed_lessons=self.consumed_lessons,
        )

    def assess(self, method: str = POOLED, irreversible_costs_fen: int = 0) -> Assessment:
        return assess(self.ledger(), method, irreversible_costs_fen)

    def worksheet(self, method: str = POOLED, irreversible_costs_fen: int = 0) -> dict[str, Any]:
        """Each step of the figures by ``method``, block by block."""
        assessment = self.assess(method, irreversible_costs_fen)
        return assessment.worksheet(self.ledger(), self.released_fen)

    @property
    def consumed_value_fen(self) -> Fraction:
        return self.assess().consumed_value_fen

    @property
    def unconsumed_fen(self) -> int:
        return self.assess().unconsumed_rounded

    @property
    def escrow_balance_fen(self) -> int:
        """What the supervised account holds for this contract: the fees paid into it, less
        what was released to the institution or refunded (never below zero: a refund paid
        from the institution's own account does not make the escrow negative)."""
        supervised: int = sum(
            p["amount_fen"] for p in self.payments if p["into_supervised_account"]
        )
        return max(0, supervised - self.released_fen - self.refunded_fen)

    @property
    def is_open(self) -> bool:
        """Still carrying a liability: something paid is unconsumed and not refunded, whether
        the contract runs, is frozen or was terminated early."""
        return self.status != ContractStatus.COMPLETED and self.unconsumed_fen > 0

    @property
    def outstanding_lessons(self) -> int:
        """Lessons charged for and not yet taught."""
        return max(0, self.lessons_charged - self.consumed_lessons)

    def charge_of(
        self,
        amount_fen: int,
        lessons_covered: int | None,
        gift_lessons: int | None,
        paid_at: datetime,
        covers_from: date | None,
        covers_until: date | None,
    ) -> tuple[int, int, Span]:
        """The paid and gift lessons a new charge buys (those it names, else ⌈amount ÷ price⌉
        paid lessons and the contract's gift lessons pro rata), and the period it pays for
        (reported, or inferred from the contract's pace: ``fee_span``)."""
        self.refuse_impossible_charge(amount_fen, lessons_covered, gift_lessons)
        covered = lessons_covered or math.ceil(amount_fen / self.terms["price_per_lesson_fen"])
        gifts = self._gifts_of(covered) if gift_lessons is None else gift_lessons
        if covers_from is not None and covers_until is not None and covers_until < covers_from:
            raise InvalidInput("covers_until must not be before covers_from", "covers_until")
        t = self.terms
        span = charge_span(
            paid_on=paid_at.astimezone(SHANGHAI).date(),
            covers_from=covers_from,
            covers_until=covers_until,
            lessons_bought=covered + gifts,
            lessons_ahead=self.outstanding_lessons,
            follows_until=_day(self.payments[-1]["covers_until"]) if self.payments else None,
            schedule=Schedule(
                start=date.fromisoformat(t["start_date"]),
                end=date.fromisoformat(t["end_date"]),
                lessons=t["paid_lessons"] + t["gift_lessons"],
            ),
        )
        return covered, gifts, span

    def _add_charge(self, payment: dict[str, Any]) -> None:
        """A charge recorded: its money and its block of lessons (gift lessons derived when it
        names none); the first makes the contract active."""
        if payment["gift_lessons"] is None:
            payment["gift_lessons"] = self._gifts_of(payment["lessons_covered"])
        self.paid_fen += payment["amount_fen"]
        self.lessons_charged += payment["lessons_covered"]
        if self.status == ContractStatus.SIGNED:
            self.status = ContractStatus.ACTIVE
        self.payments.append(payment)

    def _gifts_of(self, covered: int) -> int:
        """The gift lessons of a charge buying ``covered`` paid lessons that names none."""
        return derived_gift_lessons(
            self.paid_lessons, self.gift_lessons, self.lessons_charged, covered
        )

    # -- what the figures refuse -------------------------------------------------------------

    def refuse_impossible_charge(
        self, amount_fen: int, lessons_covered: int | None, gift_lessons: int | None
    ) -> None:
        require_positive(amount_fen, "amount_fen")
        if lessons_covered is not None:
            require_positive(lessons_covered, "lessons_covered")
        refuse_unless(
            gift_lessons is None or gift_lessons >= 0,
            rules.AMOUNT_POSITIVE,
            "gift_lessons cannot be negative",
        )

    def refuse_consumption_beyond_purchase(self, lessons: int) -> None:
        purchased = self.paid_lessons + self.gift_lessons
        refuse_unless(
            self.consumed_lessons + lessons <= purchased,
            rules.LESSONS_WITHIN_PURCHASE,
            f"{self.consumed_lessons} + {lessons} lessons would exceed the {purchased} bought",
        )

    def _refuse_if_closed(self) -> None:
        refuse_unless(
            self.status not in CLOSED, rules.CONTRACT_CLOSED, f"the contract is {self.status}"
        )

    def refuse_impossible_session(
        self, lessons: int, starts_at: datetime, ends_at: datetime
    ) -> None:
        require_positive(lessons, "lessons")
        if ends_at <= starts_at:
            raise InvalidInput("ends_at must be after starts_at", "ends_at")

    def refuse_release_beyond_taught(self, amount_fen: int) -> None:
        """A frozen or disputed contract releases nothing; else never more than was taught."""
        require_positive(amount_fen, "amount_fen")
        refuse_unless(
            self.status != ContractStatus.FROZEN and not self.disputed,
            rules.RELEASE_BLOCKED,
            "the contract is frozen or under dispute",
        )
        """Releases are bounded by the (POOLED) value of the lessons taught, block by block."""
        refuse_unless(
            self.released_fen + amount_fen <= self.consumed_value_fen,
            rules.RELEASE_WITHIN_CONSUMED,
            f"releasable is {math.floor(self.consumed_value_fen - self.released_fen)} fen",
        )
        self._refuse_beyond_paid(amount_fen)

    def refuse_refund_beyond_unconsumed(self, amount_fen: int) -> None:
        refuse_unless(
            amount_fen <= self.unconsumed_fen,
            rules.REFUND_WITHIN_UNCONSUMED,
            f"the unconsumed amount is {self.unconsumed_fen} fen",
        )
        self._refuse_beyond_paid(amount_fen)

    def _refuse_beyond_paid(self, amount_fen: int) -> None:
        refuse_unless(
            self.released_fen + self.refunded_fen + amount_fen <= self.paid_fen,
            rules.RELEASE_WITHIN_PAID,
            "released plus refunded would exceed what was paid",
        )

    def refuse_second_dispute(self) -> None:
        refuse_unless(
            not self.disputed,
            rules.CASE_ONE_OPEN,
            f"the contract is already in open refund case {self.dispute_case_id}",
        )

    def refuse_completion_while_owing(self) -> None:
        refuse_unless(
            self.unconsumed_fen == 0,
            rules.CONTRACT_COMPLETION,
            f"{self.unconsumed_fen} fen are still unconsumed",
        )
