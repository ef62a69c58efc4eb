"""The unconsumed amount (未消课金额) a family is owed, to the fen (docs/domain.md, Money).

The worked example: 48 paid + 4 gift lessons, 4,320.00 yuan paid, 20 lessons consumed. The
courts' discount-ratio principle (POOLED) owes 2,658.46 yuan; gifts-used-last (PAID_FIRST)
owes 2,520.00. Arithmetic is exact; rounding half up happens only when an amount is shown.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain.unconsumed import PAID_FIRST, POOLED, Ledger, assess, pooled_fen, round_fen

EXAMPLE = {
    "paid_fen": 432_000,
    "refunded_fen": 0,
    "paid_lessons": 48,
    "gift_lessons": 4,
    "consumed_lessons": 20,
}
WORKED_EXAMPLE = Ledger.single(**EXAMPLE)


def ledger(**changes: int) -> Ledger:
    return Ledger.single(**{**EXAMPLE, **changes})


def test_the_worked_example_owes_2658_46_yuan_when_gift_lessons_share_the_price() -> None:
    assessment = assess(WORKED_EXAMPLE, POOLED)

    assert assessment.unit_fen == Fraction(432_000, 52)
    assert assessment.consumed_value_fen == 20 * Fraction(432_000, 52)
    assert assessment.unconsumed_rounded == 265_846


def test_the_worked_example_owes_2520_yuan_when_gift_lessons_are_used_last() -> None:
    assessment = assess(WORKED_EXAMPLE, PAID_FIRST)

    assert assessment.unit_fen == 9_000
    assert assessment.consumed_value_fen == 180_000
    assert assessment.unconsumed_rounded == 252_000


def test_the_courts_method_is_the_default() -> None:
    assert assess(WORKED_EXAMPLE) == assess(WORKED_EXAMPLE, POOLED)


def test_the_worksheet_shows_every_step_as_an_exact_fraction_beside_the_rounded_fen() -> None:
    worksheet = assess(WORKED_EXAMPLE).worksheet(WORKED_EXAMPLE)

    assert worksheet["method"] == POOLED
    assert (worksheet["paid_fen"], worksheet["paid_lessons"], worksheet["gift_lessons"]) == (
        432_000,
        48,
        4,
    )
    assert worksheet["consumed_lessons"] == 20
    assert worksheet["unit_fen"] == {"exact": "108000/13", "fen": 8_308}
    assert worksheet["consumed_value_fen"] == {"exact": "2160000/13", "fen": 166_154}
    assert worksheet["unconsumed_fen"] == {"exact": "3456000/13", "fen": 265_846}
    assert worksheet["irreversible_costs_fen"] == 0
    assert "max(0," in worksheet["formula"]


@pytest.mark.parametrize("twice", range(-9, 10))
def test_an_amount_is_rounded_half_up_to_the_fen_only_when_shown(twice: int) -> None:
    exact = Fraction(twice, 2)
    # Half up, ties away from zero: 0.5 → 1, 1.5 → 2, 2.5 → 3, -0.5 → -1 (not to even).
    half_up = int((Decimal(twice) / 2).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    assert round_fen(exact) == half_up


def test_the_unconsumed_amount_stays_exact_until_it_is_shown() -> None:
    # 3 fen for 2 lessons, 1 consumed: 1.5 fen are owed, shown as 2.
    assessment = assess(
        Ledger.single(
            paid_fen=3, refunded_fen=0, paid_lessons=2, gift_lessons=0, consumed_lessons=1
        )
    )

    assert assessment.unconsumed_fen == Fraction(3, 2)
    assert assessment.unconsumed_rounded == 2
    assert round_fen(Fraction(265_845) + Fraction(1, 2)) == 265_846
    assert round_fen(Fraction(3456000, 13)) == 265_846  # 265,846.15... is shown down


@pytest.mark.parametrize(
    ("method", "owed_fen"), [(POOLED, 265_846 - 12_000), (PAID_FIRST, 252_000 - 12_000)]
)
def test_irreversible_costs_already_incurred_are_deducted(method: str, owed_fen: int) -> None:
    # Textbooks delivered (120.00 yuan): a pass-through the family keeps.
    assessment = assess(WORKED_EXAMPLE, method, irreversible_costs_fen=12_000)

    assert assessment.irreversible_costs_fen == 12_000
    assert assessment.unconsumed_rounded == owed_fen


@pytest.mark.parametrize("method", [POOLED, PAID_FIRST])
@pytest.mark.parametrize(
    ("changes", "costs"),
    [
        ({"refunded_fen": 300_000}, 0),
        ({}, 500_000),
        ({"consumed_lessons": 52}, 1),
        ({"consumed_lessons": 60}, 0),
        ({"paid_fen": 0}, 0),
    ],
    ids=["refunded-beyond", "costs-beyond", "all-consumed", "over-consumed", "nothing-paid"],
)
def test_the_unconsumed_amount_is_never_negative(
    method: str, changes: dict[str, int], costs: int
) -> None:
    assessment = assess(ledger(**changes), method, irreversible_costs_fen=costs)

    assert assessment.unconsumed_fen == 0
    assert assessment.unconsumed_rounded == 0


def test_lessons_consumed_beyond_those_bought_are_not_valued() -> None:
    over = assess(ledger(consumed_lessons=60, refunded_fen=0))

    assert over.consumed_value_fen == 432_000


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError):
        assess(WORKED_EXAMPLE, "list_price")


@given(
    paid_fen=st.integers(min_value=0, max_value=10**10),
    refunded_fen=st.integers(min_value=0, max_value=10**10),
    paid_lessons=st.integers(min_value=0, max_value=500),
    gift_lessons=st.integers(min_value=0, max_value=50),
    consumed_lessons=st.integers(min_value=0, max_value=600),
)
def test_the_read_models_integer_figures_are_the_exact_pooled_amounts_rounded_half_up(
    paid_fen: int, refunded_fen: int, paid_lessons: int, gift_lessons: int, consumed_lessons: int
) -> None:
    ledger = Ledger.single(
        paid_fen=paid_fen,
        refunded_fen=refunded_fen,
        paid_lessons=paid_lessons,
        gift_lessons=gift_lessons,
        consumed_lessons=consumed_lessons,
    )

    exact = assess(ledger, POOLED)

    assert pooled_fen(ledger) == (round_fen(exact.consumed_value_fen), exact.unconsumed_rounded)
