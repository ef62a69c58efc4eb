"""The unconsumed amount (未消课金额) of a prepaid contract, computed exactly.

POOLED (the default, the courts' discount-ratio principle, 法释〔2025〕4号): gift lessons share the
price, ``unit = paid / (paid_lessons + gift_lessons)``. PAID_FIRST (only where the contract says
gifts are used last): ``unit = paid / paid_lessons`` and consumption eats paid lessons first.
Arithmetic is on fractions of a fen; rounding (half up) happens only when an amount is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

POOLED = "pooled"
PAID_FIRST = "paid_first"
METHODS = (POOLED, PAID_FIRST)


def round_fen(amount: Fraction) -> int:
    """Half up (away from zero) to a whole fen: the only place an exact amount is rounded."""
    whole, rest = divmod(abs(amount.numerator), amount.denominator)
    rounded = whole + (1 if 2 * rest >= amount.denominator else 0)
    return rounded if amount >= 0 else -rounded


@dataclass(frozen=True)
class Ledger:
    """The figures of one contract the computation needs."""

    paid_fen: int
    refunded_fen: int
    paid_lessons: int
    gift_lessons: int
    consumed_lessons: int


@dataclass(frozen=True)
class Assessment:
    method: str
    unit_fen: Fraction
    consumed_value_fen: Fraction
    unconsumed_fen: Fraction
    irreversible_costs_fen: int

    @property
    def unconsumed_rounded(self) -> int:
        return round_fen(self.unconsumed_fen)

    def worksheet(self, ledger: Ledger) -> dict[str, Any]:
        """Each step of the computation, exact fractions shown as 'n/d' beside rounded fen."""

        def show(x: Fraction) -> dict[str, Any]:
            return {"exact": f"{x.numerator}/{x.denominator}", "fen": round_fen(x)}

        return {
            "method": self.method,
            "paid_fen": ledger.paid_fen,
            "refunded_fen": ledger.refunded_fen,
            "paid_lessons": ledger.paid_lessons,
            "gift_lessons": ledger.gift_lessons,
            "consumed_lessons": ledger.consumed_lessons,
            "unit_fen": show(self.unit_fen),
            "consumed_value_fen": show(self.consumed_value_fen),
            "irreversible_costs_fen": self.irreversible_costs_fen,
            "unconsumed_fen": show(self.unconsumed_fen),
            "formula": (
                "unconsumed = max(0, paid - refunded - consumed_value - irreversible_costs)"
            ),
        }


def _half_up(numerator: int, denominator: int) -> int:
    """``round_fen(Fraction(numerator, denominator))`` for a non-negative amount, in integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def pooled_fen(ledger: Ledger) -> tuple[int, int]:
    """(consumed value, unconsumed amount) by POOLED, each rounded half up to a fen.

    The same figures as ``assess(ledger)`` rounded, in integer arithmetic only: read models
    recompute them on every contract event, where building fractions is most of the cost.
    """
    total = ledger.paid_lessons + ledger.gift_lessons
    if not total:
        return 0, max(0, ledger.paid_fen - ledger.refunded_fen)
    consumed = min(ledger.consumed_lessons, total) * ledger.paid_fen  # × 1/total
    unconsumed = (ledger.paid_fen - ledger.refunded_fen) * total - consumed  # × 1/total
    return _half_up(consumed, total), _half_up(unconsumed, total) if unconsumed > 0 else 0


def assess(ledger: Ledger, method: str = POOLED, irreversible_costs_fen: int = 0) -> Assessment:
    """The unconsumed amount of ``ledger`` by ``method``."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    paid = Fraction(ledger.paid_fen)
    total = ledger.paid_lessons + ledger.gift_lessons
    if method == POOLED:
        unit = paid / total if total else Fraction(0)
        consumed_value = min(ledger.consumed_lessons, total) * unit
    else:
        unit = paid / ledger.paid_lessons if ledger.paid_lessons else Fraction(0)
        consumed_value = min(ledger.consumed_lessons, ledger.paid_lessons) * unit
    unconsumed = paid - ledger.refunded_fen - consumed_value - irreversible_costs_fen
    return Assessment(
        method=method,
        unit_fen=unit,
        consumed_value_fen=consumed_value,
        unconsumed_fen=max(Fraction(0), unconsumed),
        irreversible_costs_fen=irreversible_costs_fen,
    )
