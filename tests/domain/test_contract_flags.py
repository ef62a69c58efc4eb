"""The prepaid contract ledger (TrainingContract, DESIGN.md §4): refusals and flags, one per rule.

A report that cannot be true (more lessons than were bought, more released than consumed) is
refused with the rule it breaks. A fact that happened against the rules (a charge over three
months, an academic lesson on a Saturday) is recorded all the same, and a
``ComplianceBreachDetected`` names the rule and the rule pack version that judged it.
No I/O: contracts are built through their own commands.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from registry.domain.calendar import DEFAULT_CALENDAR, MAKE_UP_WORKDAYS
from registry.domain.clock import SHANGHAI
from registry.domain.contract import TrainingContract
from registry.domain.contract_checks import lesson_breaches
from registry.domain.errors import RuleViolation

# 中国工商银行北京海淀支行's custody feed, as the principal recorded on every event.
BANK_FEED: dict[str, Any] = {"id": "key-icbc-hd", "role": "feed", "districts": ["110108"]}

RULE_PACK_VERSION = "2025.1"

# The institution as the application hands it to the contract at the moment of a payment.
OPERATING_UNDER_CUSTODY: dict[str, Any] = {
    "status": "licensed",
    "supervision": {"mode": "bank_custody", "bank": "中国工商银行北京海淀支行"},
}

# The worked example of domain-research.md §5.1: 48 paid + 4 gift lessons at 90 yuan.
PAID_LESSONS, GIFT_LESSONS, PRICE_FEN = 48, 4, 9_000
PAID_IN_FULL_FEN = PAID_LESSONS * PRICE_FEN  # 432,000 fen = 4,320.00 yuan


def at(day: str, hh_mm: str) -> datetime:
    """A time of day in Asia/Shanghai."""
    return datetime.fromisoformat(f"{day}T{hh_mm}").replace(tzinfo=SHANGHAI)


def signed(category: str = "non_academic", **terms: Any) -> TrainingContract:
    """A contract of a 海淀区 institution, signed and with no pending events."""
    fields: dict[str, Any] = {
        "institution_id": UUID("4c1d6a52-8a43-5f6e-9d1b-2f0a7c3e9b11"),
        "district_code": "110108",
        "category": category,
        "pupil_ref": "pupil-2026-0417",
        "guardian_name": "王丽娟",
        "guardian_phone": "13911112222",
        "course": "少儿美术基础班（春季）",
        "paid_lessons": PAID_LESSONS,
        "gift_lessons": GIFT_LESSONS,
        "price_per_lesson_fen": PRICE_FEN,
        "start_date": date(2026, 3, 2),
        "end_date": date(2026, 5, 31),
        "supervision_mode": "bank_custody",
        "actor": BANK_FEED,
    }
    fields.update(terms)
    contract = TrainingContract.sign(**fields)
    contract.collect_events()
    return contract


def collect(contract: TrainingContract, **overrides: Any) -> None:
    """A clean fee collection into the supervised account, with ``overrides``."""
    fields: dict[str, Any] = {
        "amount_fen": PAID_IN_FULL_FEN,
        "paid_at": at("2026-03-01", "10:00"),
        "channel": "微信支付",
        "into_supervised_account": True,
        "lessons_covered": PAID_LESSONS,
        "covers_until": date(2026, 5, 31),
        "institution": OPERATING_UNDER_CUSTODY,
        "actor": BANK_FEED,
    }
    fields.update(overrides)
    contract.collect_fee(**fields)


def consume(contract: TrainingContract, **overrides: Any) -> None:
    """A clean afternoon session of two offline lessons on a Tuesday, with ``overrides``."""
    fields: dict[str, Any] = {
        "lessons": 2,
        "starts_at": at("2026-03-10", "16:00"),
        "ends_at": at("2026-03-10", "17:30"),
        "delivery": "offline",
        "actor": BANK_FEED,
    }
    fields.update(overrides)
    contract.consume_lessons(**fields)


def paid(consumed: int = 0, **terms: Any) -> TrainingContract:
    """The worked example: paid in full, ``consumed`` lessons taught; no pending events."""
    contract = signed(**terms)
    collect(contract)
    if consumed:
        consume(contract, lessons=consumed, ends_at=at("2026-03-10", "19:00"))
    contract.collect_events()
    return contract


def names(events: list[Any]) -> list[str]:
    return [type(e).__name__ for e in events]


def breaches(events: list[Any]) -> list[Any]:
    return [e for e in events if type(e).__name__ == "ComplianceBreachDetected"]


def assert_flagged(events: list[Any], fact: str, rule: str, flagged: bool) -> None:
    """The fact is recorded first; ``rule`` is flagged on it (and nothing else) or not at all."""
    assert names(events)[0] == fact
    found = breaches(events)
    if not flagged:
        assert [b.rule for b in found] == []
        return
    assert [b.rule for b in found] == [rule]
    (breach,) = found
    assert breach.rule_version == RULE_PACK_VERSION
    assert breach.event_version == events[0].originator_version
    assert breach.detail


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
        amount_fen=n, paid_at=at("2026-04-01", "10:00"), actor=BANK_FEED
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
    contract.refund(amount_fen=PAID_IN_FULL_FEN, paid_at=at("2026-03-05", "10:00"), actor=BANK_FEED)
    consume(contract, lessons=10, ends_at=at("2026-03-10", "19:00"))  # taught all the same
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
            amount_fen=265_847, paid_at=at("2026-04-01", "10:00"), actor=BANK_FEED
        ),
    )
    assert contract.collect_events() == []
    contract.refund(amount_fen=265_846, paid_at=at("2026-04-01", "10:00"), actor=BANK_FEED)

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

    assert names(contract.collect_events()) == ["EscrowReleased"]
    refused(
        "escrow.release_within_consumed",
        lambda: contract.release_escrow(amount_fen=1, actor=BANK_FEED),
    )


def test_a_terminated_contract_still_owes_its_unconsumed_amount_until_refunded() -> None:
    # 家长申请退课 after 20 lessons: the contract ends, the family is owed 2,658.46 yuan.
    contract = _terminated()
    assert contract.unconsumed_fen == 265_846

    contract.refund(amount_fen=265_846, paid_at=at("2026-04-08", "10:00"), actor=BANK_FEED)

    assert names(contract.collect_events()) == ["PrepaidRefunded"]
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


# -- flags on fees collected -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("covers_until", "flagged"),
    [(date(2026, 6, 1), True), (date(2026, 5, 31), False), (None, False)],
    ids=["until-06-01", "until-05-31", "no-end-date"],
)
def test_a_charge_covering_more_than_three_calendar_months_is_recorded_and_flagged(
    covers_until: date | None, flagged: bool
) -> None:
    contract = signed()

    collect(contract, paid_at=at("2026-03-01", "10:00"), covers_until=covers_until)

    assert_flagged(contract.collect_events(), "PrepaidFeeCollected", "prepaid.max_months", flagged)
    assert contract.paid_fen == PAID_IN_FULL_FEN


@pytest.mark.parametrize(
    ("charges", "flags"),
    [([61], [True]), ([60], [False]), ([40, 40], [False, True])],
    ids=["61-in-one-charge", "60-in-one-charge", "40-then-40-none-consumed"],
)
def test_a_charge_for_more_than_sixty_lessons_is_recorded_and_flagged(
    charges: list[int], flags: list[bool]
) -> None:
    # Still-unconsumed lessons of earlier charges count: two charges of 40 are 80 outstanding.
    contract = signed(paid_lessons=100, gift_lessons=0, price_per_lesson_fen=5_000)

    for lessons, flagged in zip(charges, flags, strict=True):
        collect(contract, amount_fen=lessons * 5_000, lessons_covered=lessons)
        events = contract.collect_events()
        assert_flagged(events, "PrepaidFeeCollected", "prepaid.max_lessons", flagged)

    assert contract.paid_fen == sum(charges) * 5_000


@pytest.mark.parametrize(("amount_fen", "flagged"), [(500_001, True), (500_000, False)])
def test_a_charge_over_five_thousand_yuan_is_recorded_and_flagged(
    amount_fen: int, flagged: bool
) -> None:
    contract = signed(paid_lessons=60, gift_lessons=0)

    collect(contract, amount_fen=amount_fen, lessons_covered=55)

    assert_flagged(contract.collect_events(), "PrepaidFeeCollected", "prepaid.max_amount", flagged)
    assert contract.paid_fen == amount_fen


@pytest.mark.parametrize(("into_supervised_account", "flagged"), [(False, True), (True, False)])
def test_fees_paid_outside_the_supervised_account_are_recorded_and_flagged(
    into_supervised_account: bool, flagged: bool
) -> None:
    contract = signed()

    collect(contract, into_supervised_account=into_supervised_account, channel="个人微信收款码")

    events = contract.collect_events()
    assert_flagged(events, "PrepaidFeeCollected", "prepaid.supervised_account", flagged)
    assert events[0].into_supervised_account is into_supervised_account
    assert contract.paid_fen == PAID_IN_FULL_FEN


def test_a_breach_names_the_feed_that_reported_the_fact_and_the_supervised_escrow_excludes_it() -> (
    None
):
    contract = signed()

    collect(contract, amount_fen=200_000, lessons_covered=20, channel="对公转账")
    collect(contract, amount_fen=232_000, lessons_covered=28, into_supervised_account=False)

    breach = contract.collect_events()[-1]
    assert type(breach).__name__ == "ComplianceBreachDetected"
    assert breach.rule == "prepaid.supervised_account"
    assert breach.actor == BANK_FEED
    assert contract.paid_fen == PAID_IN_FULL_FEN
    assert contract.escrow_balance_fen == 200_000, "only what reached the supervised account"


@pytest.mark.parametrize(
    ("status", "flagged"),
    [
        ("suspended", True),
        ("converting", True),
        ("revoked", True),
        ("ceased", True),
        ("licensed", False),
    ],
)
def test_fees_collected_while_the_institution_may_not_collect_are_recorded_and_flagged(
    status: str, flagged: bool
) -> None:
    contract = signed()

    collect(contract, institution={**OPERATING_UNDER_CUSTODY, "status": status})

    events = contract.collect_events()
    assert_flagged(events, "PrepaidFeeCollected", "prepaid.institution_operating", flagged)
    if flagged:
        assert status in breaches(events)[0].detail
    assert contract.paid_fen == PAID_IN_FULL_FEN
    assert contract.status == "active"


@pytest.mark.parametrize(
    ("supervision", "flagged"),
    [(None, True), (OPERATING_UNDER_CUSTODY["supervision"], False)],
    ids=["no-supervision", "bank-custody"],
)
def test_fees_collected_by_an_institution_without_fund_supervision_are_recorded_and_flagged(
    supervision: dict[str, Any] | None, flagged: bool
) -> None:
    contract = signed(supervision_mode=None)

    collect(contract, institution={"status": "licensed", "supervision": supervision})

    events = contract.collect_events()
    assert_flagged(events, "PrepaidFeeCollected", "prepaid.supervision_in_place", flagged)
    assert contract.paid_fen == PAID_IN_FULL_FEN


# -- flags on lessons consumed ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "flagged"),
    [
        (date(2026, 3, 7), True),  # a Saturday
        (date(2026, 10, 1), True),  # 国庆节, a Thursday
        (date(2026, 2, 28), False),  # a Saturday worked instead of a Spring Festival day
        (date(2026, 3, 10), False),  # an ordinary Tuesday
    ],
    ids=["saturday", "national-day", "make-up-working-saturday", "tuesday"],
)
def test_academic_lessons_on_a_rest_day_or_statutory_holiday_are_recorded_and_flagged(
    day: date, flagged: bool
) -> None:
    if day == date(2026, 2, 28):
        assert day in MAKE_UP_WORKDAYS and day.weekday() == 5
    contract = paid(category="academic")
    starts_at = datetime.combine(day, datetime.min.time(), SHANGHAI).replace(hour=16)

    consume(contract, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=90))

    events = contract.collect_events()
    assert_flagged(events, "LessonsConsumed", "lessons.academic_rest_day", flagged)
    assert contract.consumed_lessons == 2


@pytest.mark.parametrize(
    ("day", "flagged"),
    [(date(2026, 7, 15), True), (date(2026, 9, 1), False)],
    ids=["in-the-summer-vacation", "school-is-back"],
)
def test_academic_lessons_in_a_local_school_vacation_are_flagged(day: date, flagged: bool) -> None:
    # 北京市 2026 summer vacation, as a district's calendar would add it.
    beijing = DEFAULT_CALENDAR.with_vacations((date(2026, 7, 4), date(2026, 8, 31)))
    starts_at = datetime.combine(day, datetime.min.time(), SHANGHAI).replace(hour=10)

    found = lesson_breaches(
        category="academic",
        lessons=2,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90),
        delivery="offline",
        school_calendar=beijing,
    )

    assert [(rule.id, "vacation" in detail) for rule, detail in found] == (
        [("lessons.academic_rest_day", True)] if flagged else []
    )


@pytest.mark.parametrize(
    ("ends_at", "flagged"),
    [
        (at("2026-03-10", "20:31"), True),
        (at("2026-03-10", "20:30"), False),
        (datetime(2026, 3, 10, 12, 45, tzinfo=UTC), True),  # 20:45 in Shanghai
    ],
    ids=["20:31", "20:30", "12:45Z"],
)
def test_offline_lessons_ending_after_half_past_eight_are_recorded_and_flagged(
    ends_at: datetime, flagged: bool
) -> None:
    contract = paid()

    consume(contract, starts_at=at("2026-03-10", "19:00"), ends_at=ends_at)

    assert_flagged(
        contract.collect_events(), "LessonsConsumed", "lessons.offline_latest_end", flagged
    )
    assert contract.consumed_lessons == 2


@pytest.mark.parametrize(
    ("ends_at", "flagged"),
    [(at("2026-03-10", "21:01"), True), (at("2026-03-10", "21:00"), False)],
    ids=["21:01", "21:00"],
)
def test_online_lessons_ending_after_nine_in_the_evening_are_recorded_and_flagged(
    ends_at: datetime, flagged: bool
) -> None:
    contract = paid()

    consume(
        contract,
        lessons=1,
        starts_at=ends_at - timedelta(minutes=30),
        ends_at=ends_at,
        delivery="online",
    )

    assert_flagged(
        contract.collect_events(), "LessonsConsumed", "lessons.online_latest_end", flagged
    )
    assert contract.consumed_lessons == 1


@pytest.mark.parametrize(
    ("lessons", "minutes", "flagged"),
    [(1, 31, True), (2, 60, False), (1, 30, False)],
    ids=["one-lesson-in-31-minutes", "two-lessons-in-60-minutes", "one-lesson-in-30-minutes"],
)
def test_online_lessons_longer_than_thirty_minutes_are_recorded_and_flagged(
    lessons: int, minutes: int, flagged: bool
) -> None:
    contract = paid()
    starts_at = at("2026-03-10", "19:00")

    consume(
        contract,
        lessons=lessons,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        delivery="online",
    )

    assert_flagged(
        contract.collect_events(), "LessonsConsumed", "lessons.online_max_length", flagged
    )
    assert contract.consumed_lessons == lessons
