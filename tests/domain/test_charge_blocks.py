"""Each charge buys a block of lessons; lessons consume the blocks in the order paid
(docs/domain.md, Money: the unconsumed amount, charge by charge).

The instalment example: a 96-lesson course (96 paid + 8 gift lessons at 90 yuan). Its first
charge, 4,320.00 yuan, buys 48 paid + 4 gift lessons; 20 are taught. Owed by hand: POOLED
432,000 − 20 × 432,000/52 = 265,846.15 → 265,846 fen; PAID_FIRST 432,000 − 20 × 9,000 =
252,000 fen. Releasable: 20 × 432,000/52 = 166,153.85 fen (POOLED), 180,000 fen (PAID_FIRST).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain import rules
from registry.domain.contract import TrainingContract
from registry.domain.errors import RuleViolation
from registry.domain.unconsumed import (
    PAID_FIRST,
    POOLED,
    Block,
    Ledger,
    assess,
    derived_gift_lessons,
    pooled_fen,
    round_fen,
)
from tests.builders.contracts import OPERATING_UNDER_CUSTODY, payment, shanghai, signing
from tests.builders.principals import BANK_FEED as FEED


def course_of_96(**first_charge: Any) -> TrainingContract:
    contract = TrainingContract.sign(**signing(paid_lessons=96, gift_lessons=8))
    contract.collect_fee(
        **payment(**{"covers_until": None, **first_charge}),
        institution=OPERATING_UNDER_CUSTODY,
        actor=FEED,
    )
    return contract


def teach(contract: TrainingContract, lessons: int) -> None:
    contract.consume_lessons(
        lessons=lessons,
        starts_at=shanghai("2026-03-10", "16:00"),
        ends_at=shanghai("2026-03-10", "17:30"),
        delivery="offline",
        actor=FEED,
    )


@pytest.fixture
def instalment() -> TrainingContract:
    """The first charge names its block: 48 paid + 4 gift lessons for 432,000 fen."""
    contract = course_of_96(lessons_covered=48, gift_lessons=4)
    teach(contract, 20)
    return contract


def test_the_first_instalment_of_a_long_course_owes_the_single_charge_figures(
    instalment: TrainingContract,
) -> None:
    pooled, paid_first = instalment.assess(POOLED), instalment.assess(PAID_FIRST)

    assert pooled.consumed_value_fen == 20 * Fraction(432_000, 52)
    assert pooled.unconsumed_fen == 432_000 - 20 * Fraction(432_000, 52)
    assert pooled.unconsumed_rounded == 265_846
    assert paid_first.consumed_value_fen == 180_000
    assert paid_first.unconsumed_rounded == 252_000


def test_escrow_release_within_consumed_is_the_value_of_the_lessons_taught_of_the_block(
    instalment: TrainingContract,
) -> None:
    assert instalment.worksheet(POOLED)["releasable_fen"] == {
        "exact": "2160000/13",
        "fen": 166_154,
    }
    assert instalment.worksheet(PAID_FIRST)["releasable_fen"]["exact"] == "180000/1"

    with pytest.raises(RuleViolation) as refused:
        instalment.release_escrow(amount_fen=166_154, actor=FEED)
    assert refused.value.rule == rules.RELEASE_WITHIN_CONSUMED.id
    instalment.release_escrow(amount_fen=166_153, actor=FEED)
    assert instalment.released_fen == 166_153


def test_a_charge_that_names_no_lessons_buys_its_amount_at_the_price_and_gifts_pro_rata() -> None:
    contract = course_of_96(lessons_covered=None)
    teach(contract, 20)

    assert contract.blocks == (Block(432_000, 48, 4),)
    assert contract.assess(POOLED).unconsumed_rounded == 265_846
    assert contract.assess(PAID_FIRST).unconsumed_rounded == 252_000


def test_lessons_consume_the_blocks_in_the_order_they_were_paid(
    instalment: TrainingContract,
) -> None:
    # The second instalment is dearer: 48 + 4 lessons for 480,000 fen.
    instalment.collect_fee(
        **payment(amount_fen=480_000, lessons_covered=48, gift_lessons=4, covers_until=None),
        institution=OPERATING_UNDER_CUSTODY,
        actor=FEED,
    )
    teach(instalment, 40)  # 60 taught: all 52 of the first block, 8 of the second

    sheet = instalment.worksheet(POOLED)
    assert [b["consumed_lessons"] for b in sheet["blocks"]] == [52, 8]
    consumed = 432_000 + 8 * Fraction(480_000, 52)
    assert instalment.assess(POOLED).consumed_value_fen == consumed
    assert instalment.unconsumed_fen == round_fen(912_000 - consumed)
    # PAID_FIRST: 48 paid lessons of the first block, then 8 paid ones of the second.
    assert instalment.assess(PAID_FIRST).consumed_value_fen == 432_000 + 8 * 10_000


def test_gift_lessons_derived_pro_rata_add_up_to_the_contracts_gift_lessons() -> None:
    charges = [10, 30, 8, 48]
    gifts, charged = [], 0
    for covered in charges:
        gifts.append(derived_gift_lessons(96, 8, charged, covered))
        charged += covered
    assert gifts == [0, 3, 1, 4]
    assert sum(gifts) == 8


blocks = st.lists(
    st.builds(
        Block,
        amount_fen=st.integers(1, 10**8),
        paid_lessons=st.integers(1, 80),
        gift_lessons=st.integers(0, 12),
    ),
    max_size=6,
)


@settings(max_examples=200, deadline=None, database=None)
@given(
    paid_fen=st.integers(1, 10**9),
    paid_lessons=st.integers(1, 200),
    gift_lessons=st.integers(0, 30),
    consumed=st.integers(0, 260),
    refunded_share=st.integers(0, 100),
)
def test_one_block_gives_the_single_charge_formula(
    paid_fen: int, paid_lessons: int, gift_lessons: int, consumed: int, refunded_share: int
) -> None:
    consumed = min(consumed, paid_lessons + gift_lessons)
    refunded = paid_fen * refunded_share // 100
    ledger = Ledger(
        blocks=(Block(paid_fen, paid_lessons, gift_lessons),),
        refunded_fen=refunded,
        consumed_lessons=consumed,
    )
    pooled, paid_first = assess(ledger, POOLED), assess(ledger, PAID_FIRST)

    single = Fraction(paid_fen, paid_lessons + gift_lessons) * consumed
    assert pooled.consumed_value_fen == single
    assert pooled.unconsumed_fen == max(0, paid_fen - refunded - single)
    by_paid = Fraction(paid_fen, paid_lessons) * min(consumed, paid_lessons)
    assert paid_first.unconsumed_fen == max(0, paid_fen - refunded - by_paid)


@settings(max_examples=200, deadline=None, database=None)
@given(blocks=blocks, consumed=st.integers(0, 600), refunded=st.integers(0, 10**8))
def test_nothing_owed_or_consumed_is_negative_or_beyond_what_was_paid(
    blocks: list[Block], consumed: int, refunded: int
) -> None:
    ledger = Ledger(blocks=tuple(blocks), refunded_fen=refunded, consumed_lessons=consumed)
    pooled, paid_first = assess(ledger, POOLED), assess(ledger, PAID_FIRST)

    for figures in (pooled, paid_first):
        assert 0 <= figures.consumed_value_fen <= ledger.paid_fen
        assert 0 <= figures.unconsumed_fen <= ledger.paid_fen
        for block in figures.blocks:
            assert 0 <= block.consumed_value_fen <= block.block.amount_fen
    # Gifts used last never value the lessons taught below the pooled price.
    assert paid_first.consumed_value_fen >= pooled.consumed_value_fen
    assert pooled_fen(ledger) == (round_fen(pooled.consumed_value_fen), pooled.unconsumed_rounded)
