"""The prepaid contract ledger (TrainingContract): a report that cannot be true is refused.

More lessons than were bought, more released than consumed, a refund over what is owed, an
entry on a closed contract: each is refused with the rule it breaks, and nothing is recorded.
No I/O: contracts are built through their own commands.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import uuid4

import pytest

from registry.domain.contract import TrainingContract
from registry.domain.errors import RuleViolation
from tests.builders.contracts import (
    GIFT_LESSONS,
    PAID_IN_FULL_FEN,
    PAID_LESSONS,
    collect,
    consume,
    paid,
    shanghai,
    signed,
)
from tests.builders.events import event_names
from tests.builders.principals import BANK_FEED


def refused(rule: str, command: Callable[[], object]) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        command()
    assert caught.value.rule == rule
    return caught.value


# -- refusals --------------------------------------------------------------------------------

# What a report says, given a contract paid in full with 20 lessons taught.
NOT_POSITIVE: dict[str, Callable[[TrainingContract, int], object]] = {
    "fee_amount_fen": lambda c, n: collect(c, amount_fen=n),
    "lessons_covered": lambda c, n: collect(c, amount_fen=9_000, lessons_covered=n),
    "lessons_consumed": lambda c, n: consume(c, lessons=n),
    "escrow_released_fen": lambda c, n: c.release_escrow(amount_fen=n, actor=BANK_FEED),
    "refund_fen": lambda c, n: c.refund(
        amount_fen=n, paid_at=shanghai("2026-04-01", "10:00"), actor=BANK_FEED
    ),
}


SIGNING_TERMS = ("price_per_lesson_fen", "paid_lessons", "gift_lessons")


@pytest.mark.parametrize(
    ("what", "value"),
    [
        (what, value)
        for what in (*NOT_POSITIVE, *SIGNING_TERMS)
        for value in (0, -1, -9_000)
        if (what, value) != ("gift_lessons", 0)  # a contract may give no gift lessons at all
    ],
)
def test_amounts_and_lesson_counts_that_are_not_positive_are_refused(what: str, value: int) -> None:
    if what in SIGNING_TERMS:
        refused("amount.positive", lambda: signed(**{what: value}))
        return
    contract = paid(consumed=20)
    before = (contract.version, contract.paid_fen, contract.consumed_lessons)

    refused("amount.positive", lambda: NOT_POSITIVE[what](contract, value))

    assert contract.collect_events() == []
    assert (contract.version, contract.paid_fen, contract.consumed_lessons) == before


@pytest.mark.parametrize("end_date", [date(2026, 3, 2), date(2026, 3, 1)])
def test_a_contract_that_does_not_end_after_it_starts_is_refused(end_date: date) -> None:
    refused("contract.terms", lambda: signed(start_date=date(2026, 3, 2), end_date=end_date))


def test_no_more_lessons_are_consumed_than_paid_and_gift_lessons_together() -> None:
    contract = paid(consumed=50)

    refused("lessons.within_purchase", lambda: consume(contract, lessons=3))
    assert contract.collect_events() == []
    consume(contract, lessons=2)  # the last two, gift lessons included

    assert contract.consumed_lessons == PAID_LESSONS + GIFT_LESSONS


def test_escrow_released_never_exceeds_the_value_of_the_lessons_consumed() -> None:
    # 20 of 52 lessons at 4,320.00 / 52 = 1,661.538... yuan.
    contract = paid(consumed=20)

    refused(
        "escrow.release_within_consumed",
        lambda: contract.release_escrow(amount_fen=166_154, actor=BANK_FEED),
    )
    assert contract.collect_events() == []
    contract.release_escrow(amount_fen=166_153, actor=BANK_FEED)

    assert contract.released_fen == 166_153


def test_escrow_released_plus_refunds_never_exceeds_what_was_paid() -> None:
    contract = paid()
    contract.refund(
        amount_fen=PAID_IN_FULL_FEN, paid_at=shanghai("2026-03-05", "10:00"), actor=BANK_FEED
    )
    consume(contract, lessons=10, ends_at=shanghai("2026-03-10", "19:00"))  # taught all the same
    contract.collect_events()

    refused(
        "escrow.release_within_paid", lambda: contract.release_escrow(amount_fen=1, actor=BANK_FEED)
    )

    assert contract.collect_events() == []
    assert contract.released_fen == 0


def _freeze(contract: TrainingContract) -> None:
    contract.freeze(
        reason="the institution ceased operating abnormally",
        frozen_on=date(2026, 4, 1),
        cause="OperationsCeased at position 42",
        actor=BANK_FEED,
    )


def _dispute(contract: TrainingContract) -> None:
    contract.open_dispute(case_id=uuid4(), actor=BANK_FEED)


@pytest.mark.parametrize("hold", [_freeze, _dispute], ids=["frozen", "disputed"])
def test_nothing_is_released_from_the_escrow_of_a_frozen_or_disputed_contract(
    hold: Callable[[TrainingContract], None],
) -> None:
    contract = paid(consumed=20)
    hold(contract)
    contract.collect_events()

    refused(
        "escrow.release_blocked", lambda: contract.release_escrow(amount_fen=100, actor=BANK_FEED)
    )

    assert contract.collect_events() == []
    assert contract.released_fen == 0


def test_a_refund_never_exceeds_the_unconsumed_amount() -> None:
    contract = paid(consumed=20)  # unconsumed 2,658.46 yuan (POOLED)

    refused(
        "refund.within_unconsumed",
        lambda: contract.refund(
            amount_fen=265_847, paid_at=shanghai("2026-04-01", "10:00"), actor=BANK_FEED
        ),
    )
    assert contract.collect_events() == []
    contract.refund(amount_fen=265_846, paid_at=shanghai("2026-04-01", "10:00"), actor=BANK_FEED)

    assert contract.refunded_fen == 265_846
    assert contract.unconsumed_fen == 0


def _completed() -> TrainingContract:
    contract = paid(consumed=PAID_LESSONS + GIFT_LESSONS)
    contract.complete(completed_on=date(2026, 5, 31), actor=BANK_FEED)
    contract.collect_events()
    return contract


def _terminated() -> TrainingContract:
    contract = paid(consumed=20)
    contract.terminate(
        by="guardian", reason="家长申请退课", terminated_on=date(2026, 4, 1), actor=BANK_FEED
    )
    contract.collect_events()
    return contract


LATE_ENTRIES: dict[str, Callable[[TrainingContract], object]] = {
    "fee": lambda c: collect(c, amount_fen=9_000, lessons_covered=1),
    "lessons": lambda c: consume(c, lessons=1),
    "termination": lambda c: c.terminate(
        by="regulator", reason="复核", terminated_on=date(2026, 6, 1), actor=BANK_FEED
    ),
    "completion": lambda c: c.complete(completed_on=date(2026, 6, 1), actor=BANK_FEED),
}


# A closed contract still takes a refund, for what it owes, and an escrow release, for lessons
# already taught (below).
@pytest.mark.parametrize("entry", LATE_ENTRIES)
@pytest.mark.parametrize("closed", [_completed, _terminated], ids=["completed", "terminated"])
def test_a_completed_or_terminated_contract_takes_no_further_entries(
    closed: Callable[[], TrainingContract], entry: str
) -> None:
    contract = closed()
    before = contract.version

    refused("contract.closed", lambda: LATE_ENTRIES[entry](contract))

    assert contract.collect_events() == []
    assert contract.version == before


@pytest.mark.parametrize("closed", [_completed, _terminated], ids=["completed", "terminated"])
def test_escrow_for_lessons_already_taught_is_still_released_after_the_contract_ends(
    closed: Callable[[], TrainingContract],
) -> None:
    contract = closed()
    releasable = int(contract.consumed_value_fen) - contract.released_fen

    contract.release_escrow(amount_fen=releasable, actor=BANK_FEED)

    assert event_names(contract) == ["EscrowReleased"]
    refused(
        "escrow.release_within_consumed",
        lambda: contract.release_escrow(amount_fen=1, actor=BANK_FEED),
    )


def test_a_terminated_contract_still_owes_its_unconsumed_amount_until_refunded() -> None:
    # 家长申请退课 after 20 lessons: the contract ends, the family is owed 2,658.46 yuan.
    contract = _terminated()
    assert contract.unconsumed_fen == 265_846

    contract.refund(amount_fen=265_846, paid_at=shanghai("2026-04-08", "10:00"), actor=BANK_FEED)

    assert event_names(contract) == ["PrepaidRefunded"]
    assert contract.refunded_fen == 265_846
    assert contract.unconsumed_fen == 0


def test_a_contract_completes_only_when_nothing_paid_is_left_unconsumed() -> None:
    contract = paid(consumed=PAID_LESSONS + GIFT_LESSONS - 1)

    refused(
        "contract.completion",
        lambda: contract.complete(completed_on=date(2026, 5, 31), actor=BANK_FEED),
    )
    assert contract.collect_events() == []
    assert contract.status == "active"
