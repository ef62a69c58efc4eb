"""The period a charge pays for and how early it was collected, over HTTP: the bank's feed
reports the charge, 海淀区教委 reads the flags on the ledger. SQLite and, when reachable,
PostgreSQL."""

from __future__ import annotations

from typing import Any

from tests.builders.bodies import PAYMENT
from tests.builders.bureau import Bureau
from tests.builders.ledger import Ledger

Headers = dict[str, str]

# A ten-month course: 50 lessons at 80 yuan, 2026-03-01 to 2026-12-31.
TEN_MONTH_COURSE = {
    "paid_lessons": 50,
    "gift_lessons": 0,
    "price_per_lesson_fen": 8_000,
    "start_date": "2026-03-01",
    "end_date": "2026-12-31",
}
# A three-month term of 24 lessons at 90 yuan from 2026-03-13.
TERM = {
    "paid_lessons": 24,
    "gift_lessons": 0,
    "price_per_lesson_fen": 9_000,
    "start_date": "2026-03-13",
    "end_date": "2026-06-12",
}


def flags(ledger: Ledger, reader: Headers) -> list[str]:
    return [b["rule"] for b in ledger.read(reader)["breaches"]]


def paid(**overrides: Any) -> dict[str, Any]:
    body = {**PAYMENT, **overrides}
    return {k: v for k, v in body.items() if v is not None}


def test_one_payment_for_a_whole_ten_month_course_without_covers_until_is_flagged_max_months(
    ledger: Ledger, bureau: Bureau, regulator_110108: Headers
) -> None:
    ledger.sign(bureau.legitimate(), **TEN_MONTH_COURSE)

    ledger.reported(
        "payments",
        paid(
            amount_fen=400_000,
            lessons_covered=50,
            paid_at="2026-02-25T10:00:00+08:00",
            covers_until=None,
        ),
    )

    assert flags(ledger, regulator_110108) == ["prepaid.max_months"]


def test_a_three_month_term_paid_twelve_days_before_it_starts_is_not_flagged_max_months(
    ledger: Ledger, bureau: Bureau, regulator_110108: Headers
) -> None:
    ledger.sign(bureau.legitimate(), **TERM)

    ledger.reported(
        "payments",
        paid(
            amount_fen=216_000,
            lessons_covered=24,
            paid_at="2026-03-01T10:00:00+08:00",
            covers_until="2026-06-12",
        ),
    )

    assert flags(ledger, regulator_110108) == []


def test_a_term_paid_more_than_a_month_before_the_period_it_covers_is_flagged_advance_collection(
    ledger: Ledger, bureau: Bureau, regulator_110108: Headers
) -> None:
    ledger.sign(bureau.legitimate(), **TEN_MONTH_COURSE)

    ledger.reported(
        "payments",
        paid(
            amount_fen=192_000,
            lessons_covered=24,
            paid_at="2026-04-15T10:00:00+08:00",
            covers_from="2026-06-01",
            covers_until="2026-08-31",
        ),
    )

    view = ledger.read(regulator_110108)
    assert [b["rule"] for b in view["breaches"]] == ["prepaid.advance_collection"]
    assert view["payments"][0]["covers_from"] == "2026-06-01"


def test_a_charge_whose_period_ends_before_it_starts_is_refused_and_appends_nothing(
    ledger: Ledger, bureau: Bureau
) -> None:
    ledger.sign(bureau.legitimate(), **TEN_MONTH_COURSE)

    with ledger.appends_nothing():
        answer = ledger.report(
            "payments", paid(covers_from="2026-06-01", covers_until="2026-05-31")
        )

    assert answer.status_code == 422, answer.text
    assert "covers_until" in answer.text
