"""Who may report on a training contract and read it, and what they see of the family.

A feed reports on, and reads, the contracts of its own districts only; a court reads but never
reports; a regulator reads the guardian masked; nothing of the guardian reaches the logs.
SQLite and, when reachable, PostgreSQL.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.builders.bodies import PAYMENT, TWENTY_LESSONS, contract_body
from tests.builders.bureau import Bureau
from tests.builders.contracts import GUARDIAN_NAME, GUARDIAN_PHONE
from tests.builders.ledger import Ledger

Headers = dict[str, str]


# -- who may report and read -----------------------------------------------------------------


def test_a_feed_of_another_district_may_neither_report_nor_read(
    ledger: Ledger, bureau: Bureau, client: TestClient, feed_310104: Headers, refused: Any
) -> None:
    institution_id = bureau.legitimate()
    ledger.sign(institution_id)

    with ledger.appends_nothing():
        signing = client.post(
            "/v1/contracts", json=contract_body(institution_id), headers=feed_310104
        )
        payment = client.post(ledger.url("payments"), json=PAYMENT, headers=feed_310104)
    reading = client.get(ledger.url(), headers=feed_310104)

    for answer in (signing, payment, reading):
        refused(answer, 403)


def test_a_court_reads_a_contract_but_may_not_report_on_it(
    worked_example: Ledger, client: TestClient, court: Headers, refused: Any
) -> None:
    reading = client.get(worked_example.url(), headers=court)
    assert reading.status_code == 200, reading.text
    assert reading.json()["unconsumed_fen"] == 265_846

    with worked_example.appends_nothing():
        writes = [
            client.post(worked_example.url("payments"), json=PAYMENT, headers=court),
            client.post(worked_example.url("consumptions"), json=TWENTY_LESSONS, headers=court),
            client.post(worked_example.url("releases"), json={"amount_fen": 1}, headers=court),
        ]
    for answer in writes:
        refused(answer, 403)


def test_a_request_without_a_key_is_unauthenticated(
    worked_example: Ledger, client: TestClient, refused: Any
) -> None:
    with worked_example.appends_nothing():
        writing = client.post(worked_example.url("payments"), json=PAYMENT)
    reading = client.get(worked_example.url())

    for answer in (writing, reading):
        refused(answer, 401)


# -- guardians' personal data ----------------------------------------------------------------


def test_a_regulator_sees_the_guardian_masked_and_the_reporting_feed_in_full(
    worked_example: Ledger, client: TestClient, regulator_110108: Headers
) -> None:
    for_regulator = worked_example.read(regulator_110108)
    for_feed = worked_example.read(worked_example.feed)

    assert for_regulator["guardian_name"] != GUARDIAN_NAME
    assert for_regulator["guardian_phone"] != GUARDIAN_PHONE
    assert GUARDIAN_PHONE[3:7] not in for_regulator["guardian_phone"]
    assert (for_feed["guardian_name"], for_feed["guardian_phone"]) == (
        GUARDIAN_NAME,
        GUARDIAN_PHONE,
    )
    # The same holds for the contract's events: the regulator reads ContractSigned masked.
    events = client.get(worked_example.url("ledger"), headers=regulator_110108)
    assert events.status_code == 200, events.text
    assert GUARDIAN_NAME not in str(events.json())
    assert GUARDIAN_PHONE not in str(events.json())
    assert GUARDIAN_PHONE in str(worked_example.events())


def test_the_guardians_name_and_phone_never_reach_the_logs(
    ledger: Ledger,
    bureau: Bureau,
    client: TestClient,
    regulator_110108: Headers,
    feed_310104: Headers,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    institution_id = bureau.legitimate()

    ledger.sign(institution_id)
    ledger.reported("payments", {**PAYMENT, "into_supervised_account": False})
    ledger.reported("consumptions", TWENTY_LESSONS)
    ledger.reported("releases", {"amount_fen": 100_000})
    ledger.reported("refunds", {"amount_fen": 50_000, "paid_at": "2026-04-01T09:30:00+08:00"})
    ledger.report("refunds", {"amount_fen": 10_000_000, "paid_at": "2026-04-01T09:30:00+08:00"})
    ledger.read(regulator_110108)
    ledger.read(ledger.feed)
    ledger.events()
    client.get(f"/v1/contracts/{ledger.id}/ledger", headers=regulator_110108)
    client.post("/v1/contracts", json=contract_body(institution_id), headers=feed_310104)
    client.post(
        "/v1/contracts",
        json=contract_body(institution_id, guardian_phone="not a phone " + GUARDIAN_PHONE),
        headers=ledger.feed,
    )
    bureau.cease(institution_id, ceased_on="2026-04-08")
    assert ledger.read(regulator_110108)["status"] == "frozen"

    assert caplog.records, "the story was logged at DEBUG"
    assert GUARDIAN_NAME not in caplog.text
    assert GUARDIAN_PHONE not in caplog.text
