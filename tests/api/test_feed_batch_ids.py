"""The batch feed's envelope: once per batch id, the key's districts, and batches refused whole.

A batch sent again with its id (a lost answer, a retry after a crash) is answered from the
first time and records nothing twice; the id with other facts is a 409. A fact about a
contract outside the key's districts is refused on its own (403); a key that may not report
facts, or a malformed batch, is refused whole and records nothing. SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.test_feed_batches import BATCHES, fact, results, send
from tests.builders.answers import answered, assert_refused
from tests.builders.bodies import PAYMENT, TWENTY_LESSONS, contract_body
from tests.builders.bureau import Bureau
from tests.builders.codes import XUHUI_CODE
from tests.builders.ledger import Ledger

Headers = dict[str, str]


# -- once per batch id -------------------------------------------------------------------------


def test_a_batch_sent_again_with_its_id_gets_the_first_answer_and_records_nothing_twice(
    ledger: Ledger, bureau: Bureau, client: TestClient, feed_110108: Headers
) -> None:
    ledger.sign(bureau.legitimate())
    facts = [fact("payment", ledger.id, PAYMENT), fact("consumption", ledger.id, TWENTY_LESSONS)]
    first = send(client, feed_110108, facts, "icbc-hd-2026-03-10-0001")
    head = ledger.head()

    again = send(client, feed_110108, facts, "icbc-hd-2026-03-10-0001")

    assert answered(again) == answered(first)
    assert again.headers["idempotency-replayed"] == "true"
    assert "idempotency-replayed" not in first.headers
    assert ledger.head() == head
    assert ledger.read(feed_110108)["consumed_lessons"] == 20


def test_a_batch_whose_facts_were_all_refused_is_answered_the_same_when_sent_again(
    ledger: Ledger, bureau: Bureau, client: TestClient, feed_110108: Headers
) -> None:
    ledger.sign(bureau.legitimate())
    facts = [fact("release", ledger.id, {"amount_fen": 100_000})]  # nothing taught yet
    first = send(client, feed_110108, facts)
    ledger.reported("payments", PAYMENT)
    ledger.reported("consumptions", TWENTY_LESSONS)

    again = send(client, feed_110108, facts)

    assert answered(again) == answered(first)
    assert results(again)[0]["refusal"]["rule"] == "escrow.release_within_consumed"
    assert ledger.read(feed_110108)["released_fen"] == 0


def test_a_batch_id_used_before_with_other_facts_is_a_conflict_and_records_nothing(
    ledger: Ledger, bureau: Bureau, client: TestClient, feed_110108: Headers
) -> None:
    ledger.sign(bureau.legitimate())
    send(client, feed_110108, [fact("payment", ledger.id, PAYMENT)], "day-1")

    with ledger.appends_nothing():
        other = send(client, feed_110108, [fact("payment", ledger.id, PAYMENT)] * 2, "day-1")

    assert "day-1" in assert_refused(other, 409)["detail"]


def test_batch_ids_belong_to_the_key_that_sent_them(
    ledger: Ledger, bureau: Bureau, client: TestClient, feed_110108: Headers, admin: Headers
) -> None:
    ledger.sign(bureau.legitimate())
    send(client, feed_110108, [fact("payment", ledger.id, PAYMENT)], "day-1")

    answer = send(client, admin, [fact("consumption", ledger.id, TWENTY_LESSONS)], "day-1")

    assert results(answer)[0]["status"] == "recorded"


# -- the key's districts ----------------------------------------------------------------------


def test_a_fact_about_a_contract_outside_the_keys_districts_is_refused_alone(
    ledger: Ledger,
    bureau: Bureau,
    xuhui_bureau: Bureau,
    client: TestClient,
    feed_110108: Headers,
    feed_310104: Headers,
) -> None:
    haidian = ledger.sign(bureau.legitimate())["id"]
    xuhui_school = xuhui_bureau.legitimate(
        name="上海徐汇舞蹈培训有限公司", credit_code=XUHUI_CODE, district_code="310104"
    )
    xuhui = str(xuhui_bureau.post("/v1/contracts", contract_body(xuhui_school), 201)["id"])

    answer = send(
        client,
        feed_310104,
        [fact("payment", haidian, PAYMENT), fact("payment", xuhui, PAYMENT)],
        "bocom-xh-0001",
    )

    refused, paid = results(answer)
    assert (refused["status"], refused["refusal"]["status"]) == ("refused", 403)
    assert "110108" in refused["refusal"]["detail"]
    assert paid["status"] == "recorded"
    ledger.id = haidian
    assert ledger.read(feed_110108)["paid_fen"] == 0


def test_a_court_may_not_report_facts_at_all(
    ledger: Ledger, bureau: Bureau, client: TestClient, court: Headers
) -> None:
    ledger.sign(bureau.legitimate())

    with ledger.appends_nothing():
        answer = send(client, court, [fact("payment", ledger.id, PAYMENT)])

    assert_refused(answer, 403)


def test_a_batch_without_a_key_is_refused_unauthenticated(
    ledger: Ledger, bureau: Bureau, client: TestClient
) -> None:
    ledger.sign(bureau.legitimate())

    assert_refused(send(client, {}, [fact("payment", ledger.id, PAYMENT)]), 401)


# -- malformed batches are refused whole ------------------------------------------------------


@pytest.mark.parametrize(
    ("batch", "field"),
    [
        (lambda c: {"batch_id": "b", "facts": [fact("payment", c, PAYMENT)] * 1001}, "facts"),
        (lambda c: {"batch_id": "b", "facts": []}, "facts"),
        (lambda c: {"batch_id": "b", "facts": [fact("termination", c, {})]}, "facts"),
        (lambda c: {"batch_id": "b", "facts": [{"kind": "payment", **PAYMENT}]}, "contract_id"),
        (lambda c: {"batch_id": "", "facts": [fact("payment", c, PAYMENT)]}, "batch_id"),
        (lambda c: {"batch_id": "b" * 101, "facts": [fact("payment", c, PAYMENT)]}, "batch_id"),
        (lambda c: {"facts": [fact("payment", c, PAYMENT)]}, "batch_id"),
        (
            lambda c: {
                "batch_id": "b",
                "facts": [
                    fact("payment", c, PAYMENT),
                    fact("payment", c, {**PAYMENT, "paid_at": "9999-01-01T00:00:00+08:00"}),
                ],
            },
            "paid_at",
        ),
        (
            lambda c: {"batch_id": "b", "facts": [fact("payment", c, {**PAYMENT, "x": 1})]},
            "x",
        ),
    ],
    ids=[
        "1001-facts",
        "no-facts",
        "unknown-kind",
        "no-contract",
        "empty-id",
        "long-id",
        "no-id",
        "a-date-out-of-bounds",
        "an-unknown-field",
    ],
)
def test_a_malformed_batch_is_refused_whole_naming_the_field_and_records_nothing(
    ledger: Ledger,
    bureau: Bureau,
    client: TestClient,
    feed_110108: Headers,
    batch: Any,
    field: str,
) -> None:
    ledger.sign(bureau.legitimate())

    with ledger.appends_nothing():
        answer = client.post(BATCHES, json=batch(ledger.id), headers=feed_110108)

    problem = assert_refused(answer, 422)
    assert any(field in map(str, error["loc"]) for error in problem["errors"]), problem


@pytest.mark.parametrize(
    "text", ["\x01", "\x7f", '"\x1b', "\t\x00"], ids=["soh", "del", "esc", "nul"]
)
def test_a_control_character_in_a_fact_refuses_the_batch_whole_naming_where_it_is(
    ledger: Ledger, bureau: Bureau, client: TestClient, feed_110108: Headers, text: str
) -> None:
    ledger.sign(bureau.legitimate())
    payment = {**PAYMENT, "channel": f"bank{text}"}
    facts = [fact("payment", ledger.id, PAYMENT), fact("payment", ledger.id, payment)]

    with ledger.appends_nothing():
        answer = client.post(BATCHES, json={"batch_id": "b", "facts": facts}, headers=feed_110108)

    problem = assert_refused(answer, 422)
    assert "body.facts.1.channel holds a control character" in problem["detail"], problem
