"""Whatever a feed reports, in whatever order, the contract ledger keeps its money rules.

Random sequences of fee collections, lessons, escrow releases and refunds are applied through
the TrainingContract's own commands; a report the rules refuse is simply not recorded.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import reduce
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain.clock import SHANGHAI
from registry.domain.contract import TrainingContract
from registry.domain.errors import RuleViolation
from tests.builders.contracts import signing
from tests.builders.principals import BANK_FEED as FEED

OPERATING = {"status": "licensed", "supervision": {"mode": "bank_custody"}}
AFTERNOON = datetime(2026, 3, 10, 16, 0, tzinfo=SHANGHAI)
EVENING = datetime(2026, 3, 10, 17, 30, tzinfo=SHANGHAI)

# A report is a kind, a share of what the ledger allows now (in %) and a few fen or lessons
# either side, so that the boundaries (exactly releasable, one fen over) are reached often.
reports = st.lists(
    st.tuples(
        st.sampled_from(["fee", "lessons", "release", "refund"]),
        st.integers(0, 120),
        st.integers(-2, 2),
    ),
    max_size=25,
)


def apply(contract: TrainingContract, kind: str, share: int, jitter: int) -> None:
    if kind == "fee":
        contract.collect_fee(
            amount_fen=contract.terms["price_per_lesson_fen"] * share // 10 + jitter,
            paid_at=AFTERNOON,
            channel="银行转账",
            into_supervised_account=True,
            lessons_covered=None,
            covers_until=None,
            institution=OPERATING,
            actor=FEED,
        )
    elif kind == "lessons":
        contract.consume_lessons(
            lessons=share // 10 + jitter,
            starts_at=AFTERNOON,
            ends_at=EVENING,
            delivery="offline",
            actor=FEED,
        )
    elif kind == "release":
        releasable = int(contract.consumed_value_fen) - contract.released_fen
        contract.release_escrow(amount_fen=releasable * share // 100 + jitter, actor=FEED)
    else:
        amount = contract.unconsumed_fen * share // 100 + jitter
        contract.refund(amount_fen=amount, paid_at=EVENING, actor=FEED)


def ledger_of(contract: TrainingContract) -> tuple[int, int, int, int]:
    return (
        contract.paid_fen,
        contract.consumed_lessons,
        contract.released_fen,
        contract.refunded_fen,
    )


@settings(max_examples=150, deadline=None, database=None)
@given(
    paid_lessons=st.integers(1, 60),
    gift_lessons=st.integers(0, 10),
    price_per_lesson_fen=st.integers(1, 20_000),
    reports=reports,
)
def test_released_and_refunded_never_exceed_paid_and_nothing_owed_goes_negative(
    paid_lessons: int, gift_lessons: int, price_per_lesson_fen: int, reports: list[Any]
) -> None:
    contract = TrainingContract.sign(
        **signing(
            course="少儿编程启蒙班",
            paid_lessons=paid_lessons,
            gift_lessons=gift_lessons,
            price_per_lesson_fen=price_per_lesson_fen,
            end_date=date(2026, 6, 1),
        )
    )
    purchased = paid_lessons + gift_lessons

    for kind, share, jitter in reports:
        before = ledger_of(contract)
        try:
            apply(contract, kind, share, jitter)
        except RuleViolation:
            assert ledger_of(contract) == before  # a refused report changes nothing
        assert contract.released_fen + contract.refunded_fen <= contract.paid_fen
        assert contract.released_fen <= contract.consumed_value_fen
        assert contract.assess().unconsumed_fen >= 0
        assert contract.unconsumed_fen >= 0
        assert 0 <= contract.consumed_lessons <= purchased

    # Replaying what was recorded rebuilds the same ledger, without re-judging it.
    rebuilt = reduce(lambda aggregate, e: e.mutate(aggregate), contract.collect_events(), None)
    assert isinstance(rebuilt, TrainingContract)
    assert ledger_of(rebuilt) == ledger_of(contract)
    assert rebuilt.breaches == contract.breaches
