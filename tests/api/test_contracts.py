"""Training contracts over HTTP (API.md, Training contracts), as the custody bank's feed sends them.

The feed of 中国工商银行北京海淀支行 reports a family's contract with a 海淀区 arts school, the
fees, the lessons, the escrow released and the refunds; 海淀区教委 reads the ledger. Every test
runs on SQLite and, when reachable, PostgreSQL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from registry.bootstrap import Services

if TYPE_CHECKING:
    from conftest import Bureau

Headers = dict[str, str]

GUARDIAN_NAME = "王丽娟"
GUARDIAN_PHONE = "13911112222"

# 48 paid + 4 gift lessons at 90 yuan, paid in one charge of 4,320.00 yuan (§5.1).
PAYMENT = {
    "amount_fen": 432_000,
    "paid_at": "2026-03-01T10:00:00+08:00",
    "channel": "微信支付",
    "into_supervised_account": True,
    "lessons_covered": 48,
    "covers_until": "2026-05-31",
}
TWENTY_LESSONS = {
    "lessons": 20,
    "starts_at": "2026-03-10T16:00:00+08:00",
    "ends_at": "2026-03-10T19:00:00+08:00",
    "delivery": "offline",
}


def contract_body(institution_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "institution_id": institution_id,
        "pupil_ref": "pupil-2026-0417",
        "guardian_name": GUARDIAN_NAME,
        "guardian_phone": GUARDIAN_PHONE,
        "course": "少儿美术基础班（春季）",
        "paid_lessons": 48,
        "gift_lessons": 4,
        "price_per_lesson_fen": 9_000,
        "start_date": "2026-03-02",
        "end_date": "2026-05-31",
        **overrides,
    }


def key(services: Services, role: str, districts: list[str], name: str) -> Headers:
    _, secret = services.keys.create(role, districts, name)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def feed_310104(services: Services) -> Headers:
    return key(services, "feed", ["310104"], "交通银行上海徐汇支行资金监管接口")


class Ledger:
    """One contract as the feed reports it and the bureau reads it, over HTTP."""

    def __init__(self, client: TestClient, services: Services, feed: Headers) -> None:
        self.client = client
        self.services = services
        self.feed = feed
        self.id = ""

    def head(self) -> int:
        return self.services.registry.recorder.max_notification_id() or 0

    def sign(self, institution_id: str, **overrides: Any) -> dict[str, Any]:
        answer = self.client.post(
            "/v1/contracts", json=contract_body(institution_id, **overrides), headers=self.feed
        )
        assert answer.status_code == 201, answer.text
        written: dict[str, Any] = answer.json()
        self.id = written["id"]
        return written

    def url(self, what: str = "") -> str:
        return f"/v1/contracts/{self.id}" + (f"/{what}" if what else "")

    def report(self, what: str, body: dict[str, Any], **headers: str) -> Any:
        return self.client.post(self.url(what), json=body, headers={**self.feed, **headers})

    def reported(self, what: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.report(what, body)
        assert answer.status_code == 200, answer.text
        written: dict[str, Any] = answer.json()
        return written

    def read(self, headers: Headers, **params: str) -> dict[str, Any]:
        answer = self.client.get(self.url(), headers=headers, params=params)
        assert answer.status_code == 200, answer.text
        view: dict[str, Any] = answer.json()
        assert answer.headers["etag"] == f'"{view["version"]}"'
        return view

    def events(self) -> list[dict[str, Any]]:
        answer = self.client.get(self.url("ledger"), headers=self.feed, params={"limit": 500})
        assert answer.status_code == 200, answer.text
        items: list[dict[str, Any]] = answer.json()["items"]
        return items

    @contextmanager
    def appends_nothing(self) -> Iterator[None]:
        head, version = self.head(), self.read(self.feed)["version"]
        yield
        assert self.head() == head, "an event was appended"
        assert self.read(self.feed)["version"] == version


@pytest.fixture
def ledger(client: TestClient, services: Services, feed_110108: Headers) -> Ledger:
    return Ledger(client, services, feed_110108)


@pytest.fixture
def worked_example(ledger: Ledger, bureau: Bureau) -> Ledger:
    """A contract of a legitimate arts school, paid in full, 20 lessons taught."""
    ledger.sign(bureau.legitimate())
    ledger.reported("payments", PAYMENT)
    ledger.reported("consumptions", TWENTY_LESSONS)
    return ledger


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
    cessation = {"kind": "abnormal", "ceased_on": "2026-04-08", "reason": "负责人失联，门店关闭"}
    bureau.post(f"/v1/institutions/{institution_id}/cessation", cessation)
    assert ledger.read(regulator_110108)["status"] == "frozen"

    assert caplog.records, "the story was logged at DEBUG"
    assert GUARDIAN_NAME not in caplog.text
    assert GUARDIAN_PHONE not in caplog.text
