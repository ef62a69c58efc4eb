"""Training contracts over HTTP, as the custody bank's feed reports them: the ledger.

The feed of 中国工商银行北京海淀支行 reports a family's contract with a 海淀区 arts school, the
fees, the lessons, the escrow released and the refunds; 海淀区教委 reads the ledger. A report
the money rules refuse, on a stale version, or malformed, records nothing; a payment retried
with its idempotency key is recorded once. SQLite and, when reachable, PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.builders.bodies import PAYMENT, TWENTY_LESSONS, contract_body
from tests.builders.bureau import Bureau
from tests.builders.ledger import Ledger

Headers = dict[str, str]


# -- writing and reading the ledger ----------------------------------------------------------


def test_a_feed_reports_a_signed_contract_and_gets_its_id_version_and_position(
    ledger: Ledger, bureau: Bureau, client: TestClient, feed_110108: Headers
) -> None:
    institution_id = bureau.legitimate()

    answer = client.post("/v1/contracts", json=contract_body(institution_id), headers=feed_110108)

    assert answer.status_code == 201, answer.text
    written = answer.json()
    assert written["version"] == 1
    assert written["position"] == ledger.head()
    assert answer.headers["etag"] == '"1"'
    ledger.id = written["id"]
    view = ledger.read(feed_110108)
    assert (view["institution_id"], view["status"], view["paid_fen"]) == (
        institution_id,
        "signed",
        0,
    )


def test_the_ledger_shows_money_lessons_status_and_each_breach_at_the_position_of_its_fact(
    ledger: Ledger, bureau: Bureau, regulator_110108: Headers
) -> None:
    ledger.sign(bureau.legitimate())
    ledger.reported("payments", {**PAYMENT, "into_supervised_account": False})
    ledger.reported("consumptions", TWENTY_LESSONS)
    ledger.reported("releases", {"amount_fen": 100_000})
    ledger.reported("refunds", {"amount_fen": 50_000, "paid_at": "2026-04-01T09:30:00+08:00"})

    view = ledger.read(regulator_110108)

    assert view["paid_fen"] == 432_000
    assert view["consumed_lessons"] == 20
    assert view["released_fen"] == 100_000
    assert view["refunded_fen"] == 50_000
    assert view["unconsumed_fen"] == 265_846 - 50_000
    assert view["status"] == "active"
    fee = next(e for e in ledger.events() if e["type"] == "PrepaidFeeCollected")
    assert view["breaches"] == [
        {
            "rule": "prepaid.supervised_account",
            "rule_version": "2025.1",
            "detail": view["breaches"][0]["detail"],
            "position": fee["position"],
        }
    ]
    assert isinstance(view["breaches"][0]["position"], int)
    assert view["breaches"][0]["detail"]
    assert view["version"] == len(ledger.events())


def test_the_worked_example_owes_265846_fen_pooled_and_252000_fen_gifts_last(
    worked_example: Ledger, regulator_110108: Headers
) -> None:
    pooled = worked_example.read(regulator_110108)
    paid_first = worked_example.read(regulator_110108, method="paid_first")

    assert pooled["unconsumed_fen"] == 265_846
    assert pooled["method"] == "pooled"
    assert pooled["worksheet"]["unconsumed_fen"] == {"exact": "3456000/13", "fen": 265_846}
    assert paid_first["unconsumed_fen"] == 252_000
    assert paid_first["method"] == "paid_first"


def test_the_paid_first_ledger_shows_paid_first_figures_throughout(
    worked_example: Ledger, regulator_110108: Headers
) -> None:
    paid_first = worked_example.read(regulator_110108, method="paid_first")

    assert paid_first["consumed_value_fen"] == 180_000
    assert paid_first["unconsumed_fen"] == 252_000
    assert paid_first["releasable_fen"]["fen"] == 180_000
    assert paid_first["worksheet"]["consumed_value_fen"]["fen"] == 180_000


def test_the_first_instalment_of_a_96_lesson_course_owes_what_its_own_block_leaves(
    ledger: Ledger, bureau: Bureau, regulator_110108: Headers, refused: Any
) -> None:
    # 96 paid + 8 gift lessons; the first charge buys 48 + 4 for 432,000 fen; 20 are taught.
    ledger.sign(bureau.legitimate(), paid_lessons=96, gift_lessons=8)
    ledger.reported("payments", {**PAYMENT, "gift_lessons": 4, "covers_until": None})
    ledger.reported("consumptions", TWENTY_LESSONS)

    pooled = ledger.read(regulator_110108)
    paid_first = ledger.read(regulator_110108, method="paid_first")

    assert [(b["amount_fen"], b["paid_lessons"], b["gift_lessons"]) for b in pooled["blocks"]] == [
        (432_000, 48, 4)
    ]
    assert pooled["unconsumed_fen"] == 265_846
    assert pooled["releasable_fen"] == {"exact": "2160000/13", "fen": 166_154}
    assert paid_first["unconsumed_fen"] == 252_000
    assert paid_first["releasable_fen"] == {"exact": "180000/1", "fen": 180_000}
    with ledger.appends_nothing():
        answer = ledger.report("releases", {"amount_fen": 166_154})
    assert refused(answer, 422)["rule"] == "escrow.release_within_consumed"
    ledger.reported("releases", {"amount_fen": 166_153})


def test_escrow_released_over_the_value_of_lessons_consumed_is_refused(
    worked_example: Ledger, refused: Any
) -> None:
    with worked_example.appends_nothing():
        answer = worked_example.report("releases", {"amount_fen": 166_154})

    assert refused(answer, 422)["rule"] == "escrow.release_within_consumed"


def test_a_refund_over_the_unconsumed_amount_is_refused(
    worked_example: Ledger, refused: Any
) -> None:
    body = {"amount_fen": 265_847, "paid_at": "2026-04-01T09:30:00+08:00"}

    with worked_example.appends_nothing():
        answer = worked_example.report("refunds", body)

    assert refused(answer, 422)["rule"] == "refund.within_unconsumed"


def test_a_report_on_a_stale_version_is_a_conflict_and_appends_nothing(
    worked_example: Ledger, refused: Any
) -> None:
    version = worked_example.read(worked_example.feed)["version"]

    with worked_example.appends_nothing():
        answer = worked_example.report(
            "consumptions", {**TWENTY_LESSONS, "lessons": 2}, **{"If-Match": f'"{version - 1}"'}
        )

    refused(answer, 409)
    current = worked_example.report(
        "consumptions", {**TWENTY_LESSONS, "lessons": 2}, **{"If-Match": f'"{version}"'}
    )
    assert current.status_code == 200, current.text
    assert current.json()["version"] == version + 1


def test_a_payment_retried_with_the_same_idempotency_key_is_recorded_once(
    ledger: Ledger, bureau: Bureau
) -> None:
    ledger.sign(bureau.legitimate())
    first = ledger.report("payments", PAYMENT, **{"Idempotency-Key": "icbc-20260301-000417"})
    assert first.status_code == 200, first.text

    with ledger.appends_nothing():
        again = ledger.report("payments", PAYMENT, **{"Idempotency-Key": "icbc-20260301-000417"})

    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    assert again.headers.get("idempotency-replayed") == "true"
    assert ledger.read(ledger.feed)["paid_fen"] == 432_000


def test_an_idempotency_key_reused_for_a_different_payment_is_refused(
    ledger: Ledger, bureau: Bureau, refused: Any
) -> None:
    ledger.sign(bureau.legitimate())
    first = ledger.report("payments", PAYMENT, **{"Idempotency-Key": "icbc-20260301-000417"})
    assert first.status_code == 200, first.text

    with ledger.appends_nothing():
        other = ledger.report(
            "payments",
            {**PAYMENT, "amount_fen": 9_000, "lessons_covered": 1},
            **{"Idempotency-Key": "icbc-20260301-000417"},
        )

    refused(other, 422)
    assert ledger.read(ledger.feed)["paid_fen"] == 432_000


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("paid_at", "2026-03-01T10:00:00"),  # no offset: which time zone?
        ("amount_fen", 4320.5),  # money is integer fen
        ("amount_fen", 432000.0),
        ("amount_fen", "432000"),
    ],
    ids=["naive-paid-at", "fractional-fen", "float-fen", "fen-as-text"],
)
def test_a_malformed_payment_is_refused_and_appends_nothing(
    ledger: Ledger, bureau: Bureau, refused: Any, field: str, value: Any
) -> None:
    ledger.sign(bureau.legitimate())

    with ledger.appends_nothing():
        answer = ledger.report("payments", {**PAYMENT, field: value})

    problem = refused(answer, 422)
    assert any(field in error["loc"] for error in problem["errors"])
