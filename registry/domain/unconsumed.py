"""The unconsumed amount (未消课金额) of a prepaid contract, computed exactly, charge by charge.

Each charge buys a block of lessons (paid and gift); lessons consume the blocks in the order
they were paid for. Per block, POOLED (the default, the courts' discount-ratio principle,
法释〔2025〕4号) lets gift lessons share the price, ``unit = amount / (paid + gift)``; PAID_FIRST
(only where the contract says gifts are used last) prices only the paid lessons,
``unit = amount / paid``, and consumption eats the block's paid lessons first. The contract's
consumed value is the sum over its blocks. Arithmetic is on fractions of a fen; rounding (half
up) happens only when an amount is shown.
"""

from __future__ import annotations

import math
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


def show(x: Fraction) -> dict[str, Any]:
    """An exact amount as 'n/d' beside its rounded fen."""
    return {"exact": f"{x.numerator}/{x.denominator}", "fen": round_fen(x)}


@dataclass(frozen=True)
class Block:
    """What one charge bought: ``paid_lessons`` and ``gift_lessons`` for ``amount_fen``."""

    amount_fen: int
    paid_lessons: int
    gift_lessons: int

    @property
    def lessons(self) -> int:
        return self.paid_lessons + self.gift_lessons


def gift_share(paid_lessons: int, gift_lessons: int, charged: int) -> int:
    """The contract's gift lessons that go with its first ``charged`` paid lessons, pro rata
    and rounded down, so the charge that completes the paid lessons carries the rest."""
    if paid_lessons <= 0:
        return 0
    return min(charged, paid_lessons) * gift_lessons // paid_lessons


def derived_gift_lessons(
    paid_lessons: int, gift_lessons: int, charged_before: int, covered: int
) -> int:
    """The gift lessons of a charge that names none: the contract's gift lessons pro rata to
    the paid lessons it buys (``covered``) after the ``charged_before`` already charged."""
    return gift_share(paid_lessons, gift_lessons, charged_before + covered) - gift_share(
        paid_lessons, gift_lessons, charged_before
    )


@dataclass(frozen=True)
class Ledger:
    """The figures of one contract the computation needs: its blocks in the order paid."""

    blocks: tuple[Block, ...]
    refunded_fen: int
    consumed_lessons: int

    @property
    def paid_fen(self) -> int:
        return sum(b.amount_fen for b in self.blocks)

    @classmethod
    def single(
        cls,
        *,
        paid_fen: int,
        refunded_fen: int,
        paid_lessons: int,
        gift_lessons: int,
        consumed_lessons: int,
    ) -> Ledger:
        """One charge for the whole contract: the single-charge formula."""
        blocks = (Block(paid_fen, paid_lessons, gift_lessons),) if paid_fen else ()
        return cls(blocks=blocks, refunded_fen=refunded_fen, consumed_lessons=consumed_lessons)

    def consumed_per_block(self) -> list[int]:
        """Lessons consumed from each block: the blocks are used up in order."""
        left, used = self.consumed_lessons, []
        for block in self.blocks:
            taken = min(left, block.lessons)
            used.append(taken)
            left -= taken
        return used


@dataclass(frozen=True)
class BlockFigures:
    block: Block
    consumed_lessons: int
    unit_fen: Fraction
    consumed_value_fen: Fraction

    def sheet(self) -> dict[str, Any]:
        return {
            "amount_fen": self.block.amount_fen,
            "paid_lessons": self.block.paid_lessons,
            "gift_lessons": self.block.gift_lessons,
            "consumed_lessons": self.consumed_lessons,
            "unit_fen": show(self.unit_fen),
            "consumed_value_fen": show(self.consumed_value_fen),
            "unconsumed_fen": show(self.block.amount_fen - self.consumed_value_fen),
        }


@dataclass(frozen=True)
class Assessment:
    method: str
    blocks: tuple[BlockFigures, ...]
    consumed_value_fen: Fraction
    unconsumed_fen: Fraction
    irreversible_costs_fen: int

    @property
    def unconsumed_rounded(self) -> int:
        return round_fen(self.unconsumed_fen)

    @property
    def unit_fen(self) -> Fraction:
        """The unit price of the block now being consumed (the first one not used up), or of
        the last block; 0 with nothing paid."""
        for figures in self.blocks:
            if figures.consumed_lessons < figures.block.lessons:
                return figures.unit_fen
        return self.blocks[-1].unit_fen if self.blocks else Fraction(0)

    def releasable_fen(self, released_fen: int) -> Fraction:
        """What may still be released: the value of the lessons taught, less what was."""
        return max(Fraction(0), self.consumed_value_fen - released_fen)

    def worksheet(self, ledger: Ledger, released_fen: int = 0) -> dict[str, Any]:
        """Each step of the computation, block by block, exact fractions shown as 'n/d' beside
        rounded fen."""
        return {
            "method": self.method,
            "paid_fen": ledger.paid_fen,
            "refunded_fen": ledger.refunded_fen,
            "paid_lessons": sum(b.paid_lessons for b in ledger.blocks),
            "gift_lessons": sum(b.gift_lessons for b in ledger.blocks),
            "consumed_lessons": ledger.consumed_lessons,
            "blocks": [b.sheet() for b in self.blocks],
            "unit_fen": show(self.unit_fen),
            "consumed_value_fen": show(self.consumed_value_fen),
            "irreversible_costs_fen": self.irreversible_costs_fen,
            "unconsumed_fen": show(self.unconsumed_fen),
            "released_fen": released_fen,
            "releasable_fen": show(self.releasable_fen(released_fen)),
            "formula": (
                "consumed_value = Σ per block (lessons consumed from it × its unit); "
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
    return pooled_figures(ledger.blocks, ledger.refunded_fen, ledger.consumed_lessons)


def pooled_figures(
    blocks: tuple[Block, ...], refunded_fen: int, consumed_lessons: int
) -> tuple[int, int]:
    """``pooled_fen`` of the ledger of these figures, without building it: the blocks are
    consumed in order, each lesson at its block's ``amount / lessons``."""
    numerator, denominator = 0, 1  # the exact consumed value, numerator / denominator
    left, paid = consumed_lessons, 0
    for block in blocks:
        amount, lessons = block.amount_fen, block.paid_lessons + block.gift_lessons
        paid += amount
        used = left if left < lessons else lessons
        left -= used
        if used:
            common = math.lcm(denominator, lessons)
            numerator = numerator * (common // denominator) + used * amount * (common // lessons)
            denominator = common
    unconsumed = (paid - refunded_fen) * denominator - numerator
    return (
        _half_up(numerator, denominator),
        _half_up(unconsumed, denominator) if unconsumed > 0 else 0,
    )


def _block_figures(block: Block, used: int, method: str) -> BlockFigures:
    amount = Fraction(block.amount_fen)
    if method == POOLED:
        unit = amount / block.lessons if block.lessons else Fraction(0)
        value = used * unit
    else:
        unit = amount / block.paid_lessons if block.paid_lessons else Fraction(0)
        value = min(used, block.paid_lessons) * unit if block.paid_lessons else Fraction(0)
    return BlockFigures(block, used, unit, value)


def assess(ledger: Ledger, method: str = POOLED, irreversible_costs_fen: int = 0) -> Assessment:
    """The unconsumed amount of ``ledger`` by ``method``, block by block."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    figures = tuple(
        _block_figures(block, used, method)
        for block, used in zip(ledger.blocks, ledger.consumed_per_block(), strict=True)
    )
    consumed_value = sum((f.consumed_value_fen for f in figures), Fraction(0))
    unconsumed = ledger.paid_fen - ledger.refunded_fen - consumed_value - irreversible_costs_fen
    return Assessment(
        method=method,
        blocks=figures,
        consumed_value_fen=consumed_value,
        unconsumed_fen=max(Fraction(0), unconsumed),
        irreversible_costs_fen=irreversible_costs_fen,
    )
