"""The batch feed: 中国工商银行北京海淀支行 reports a day's payments, lessons, releases and refunds
in one request (``POST /v1/feed-batches``).

Each fact is judged by the rules of its single report and answered on its own: recorded with
its version, position and flagged breaches, or refused with its rule while the rest of the
batch proceeds. A batch is recorded once per batch id. SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.builders.answers import answered, assert_refused
from tests.builders.bodies import PAYMENT, TWENTY_LESSONS
from tests.builders.bureau import Bureau
from tests.builders.ledger import Ledger

Headers = dict[str, str]
BATCHES = "/v1/feed-batches"
KINDS = {"payments": "payment", "consumptions": "consumption", "releases": "release"}
KINDS["refunds"] = "refund"

REFUND = {"amount_fen": 50_000, "paid_at": "2026-04-01T09:30:00+08:00"}


def fact(kind: str, contract_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"kind": kind, "contract_id": contract_id, **body}


def send(
    client: TestClient, headers: Headers, facts: list[dict[str, Any]], batch_id: str = "b-1"
) -> httpx.Response:
    return client.post(BATCHES, json={"batch_id": batch_id, "facts": facts}, headers=headers)


def results(answer: httpx.Response) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = answered(answer)["results"]
    return found


# -- recording -------------------------------------------------------------------------------


def test_a_bank_reports_a_payment_and_the_lessons_after_it_in_one_batch(
    ledger: Ledger, bureau: Bureau, client: TestClient, feed_110108: Headers
) -> None:
    ledger.sign(bureau.legitimate())

    answer = send(
        client,
        feed_110108,
        [fact("payment", ledger.id, PAYMENT), fact("consumption", ledger.id, TWENTY_LESSONS)],
    )

    body = answered(answer)
    assert (body["batch_id"], body["recorded"], body["refused"]) == ("b-1", 2, 0)
    paid, taught = body["results"]
    assert (paid["status"], paid["kind"], paid["version"]) == ("recorded", "payment", 2)
    assert (taught["status"], taught["kind"], taught["version"]) == ("recorded", "consumption", 3)
    assert paid["position"] < taught["position"] == body["position"] == ledger.head()
    assert [e["position"] for e in ledger.events()][1:] == [paid["position"], taught["position"]]
    view = ledger.read(feed_110108)
    assert (view["paid_fen"], view["consumed_lessons"]) == (432_000, 20)


def test_facts_on_many_contracts_are_recorded_together_each_with_its_own_version(
    ledger: Ledger, bureau: Bureau, client: TestClient, feed_110108: Headers
) -> None:
    institution_id = bureau.legitimate()
    contracts = [ledger.sign(institution_id)["id"] for _ in range(3)]

    answer = send(client, feed_110108, [fact("payment", c, PAYMENT) for c in contracts])

    assert [(r["contract_id"], r["version"]) for r in results(answer)] == [
        (c, 2) for c in contracts
    ]


# -- each fact judged by the rules of its single report -------------------------------------


def test_a_fact_its_rules_refuse_records_nothing_and_the_rest_of_the_batch_proceeds(
    ledger: Ledger, bureau: Bureau, client: TestClient, feed_110108: Headers
) -> None:
    ledger.sign(bureau.legitimate())
    too_many = {**TWENTY_LESSONS, "lessons": 60}

    answer = send(
        client,
        feed_110108,
        [
            fact("payment", ledger.id, PAYMENT),
            fact("consumption", ledger.id, too_many),
            fact("consumption", ledger.id, TWENTY_LESSONS),
        ],
    )

    paid, refused, taught = results(answer)
    assert refused["status"] == "refused"
    assert refused["refusal"]["status"] == 422
    assert refused["refusal"]["rule"] == "lessons.within_purchase"
    assert (refused["version"], refused["position"]) == (None, None)
    assert (paid["version"], taught["version"]) == (2, 3)
    assert ledger.read(feed_110108)["consumed_lessons"] == 20


@pytest.mark.parametrize(
    ("what", "body"),
    [
        ("payments", {**PAYMENT, "into_supervised_account": False}),
        ("payments", {**PAYMENT, "amount_fen": 0}),
        ("consumptions", TWENTY_LESSONS),
        ("consumptions", {**TWENTY_LESSONS, "lessons": 53}),
        ("consumptions", {**TWENTY_LESSONS, "ends_at": "2026-03-10T21:30:00+08:00"}),
        ("releases", {"amount_fen": 100_000}),
        ("releases", {"amount_fen": 400_000}),
        ("refunds", REFUND),
        ("refunds", {**REFUND, "amount_fen": 500_000}),
    ],
    ids=[
        "payment-outside-the-account",
        "payment-of-nothing",
        "lessons",
        "more-lessons-than-bought",
        "lessons-after-20-30",
        "release",
        "release-beyond-taught",
        "refund",
        "refund-beyond-unconsumed",
    ],
)
def test_a_fact_in_a_batch_is_judged_exactly_as_its_single_report(
    ledger: Ledger,
    bureau: Bureau,
    client: TestClient,
    feed_110108: Headers,
    what: str,
    body: dict[str, Any],
) -> None:
    institution_id = bureau.legitimate()
    # Two families' contracts (one pupil's two would count together toward the 60 lessons).
    alone, batched = [
        ledger.sign(institution_id, pupil_ref=f"pupil-2026-041{n}")["id"] for n in range(2)
    ]
    for contract_id in (alone, batched):
        ledger.id = contract_id
        ledger.reported("payments", PAYMENT)
        ledger.reported("consumptions", TWENTY_LESSONS)

    ledger.id = alone
    before = len(ledger.read(feed_110108)["breaches"])
    single = ledger.report(what, body)
    (result,) = results(send(client, feed_110108, [fact(KINDS[what], batched, body)]))

    if single.status_code == 200:
        assert result["status"] == "recorded"
        assert result["version"] == single.json()["version"]
    else:
        problem = assert_refused(single, single.status_code)
        assert result["status"] == "refused"
        assert result["refusal"]["status"] == single.status_code
        assert result["refusal"]["rule"] == problem.get("rule")
    one = ledger.read(feed_110108)
    ledger.id = batched
    other = ledger.read(feed_110108)
    assert result["breaches"] == [b["rule"] for b in one["breaches"][before:]]
    assert [b["rule"] for b in other["breaches"]] == [b["rule"] for b in one["breaches"]]
    figures = ("paid_fen", "consumed_lessons", "released_fen", "refunded_fen", "version")
    assert {k: other[k] for k in figures} == {k: one[k] for k in figures}


def test_a_breach_is_recorded_flagged_and_named_in_the_facts_result(
    ledger: Ledger, bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    ledger.sign(bureau.legitimate())
    outside = {**PAYMENT, "into_supervised_account": False}

    (result,) = results(send(client, ledger.feed, [fact("payment", ledger.id, outside)]))

    assert result["status"] == "recorded"
    assert result["breaches"] == ["prepaid.supervised_account"]
    view = ledger.read(regulator_110108)
    assert [b["rule"] for b in view["breaches"]] == ["prepaid.supervised_account"]
    assert view["breaches"][0]["position"] < result["position"]


def test_a_fact_about_an_unknown_contract_is_refused_not_found(
    ledger: Ledger, bureau: Bureau, client: TestClient, feed_110108: Headers
) -> None:
    ledger.sign(bureau.legitimate())
    unknown = "0e3d2c1b-4a59-4b6c-8d7e-9f0a1b2c3d4e"

    answer = send(
        client,
        feed_110108,
        [fact("payment", unknown, PAYMENT), fact("payment", ledger.id, PAYMENT)],
    )

    missing, paid = results(answer)
    assert (missing["status"], missing["refusal"]["status"]) == ("refused", 404)
    assert paid["status"] == "recorded"


def test_a_full_batch_of_a_thousand_facts_is_recorded_and_answered_fact_by_fact(
    ledger: Ledger, bureau: Bureau, client: TestClient, feed_110108: Headers
) -> None:
    institution_id = bureau.legitimate()
    contracts = [ledger.sign(institution_id)["id"] for _ in range(20)]
    one_lesson = {**TWENTY_LESSONS, "lessons": 1}
    facts = [fact("consumption", c, one_lesson) for c in contracts for _ in range(50)]

    body = answered(send(client, feed_110108, facts))

    assert (body["recorded"], body["refused"]) == (1000, 0)
    assert body["position"] == ledger.head()
    assert len({r["position"] for r in body["results"]}) == 1000
    ledger.id = contracts[-1]
    assert ledger.read(feed_110108)["consumed_lessons"] == 50
