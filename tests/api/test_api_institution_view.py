"""The regulator view of an institution (GET /v1/institutions/{id}), on a day, as known at a time.

``as_of`` gives what was in force at the end of that day (Asia/Shanghai) by the decisions'
effective dates; ``known_at`` only what had been recorded by then: the store stamps each event
with the moment it was recorded. To show a history recorded over several days, ``recorded_on``
sets that stamp; nothing else about the app is replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import eventsourcing.domain
import pytest
from fastapi.testclient import TestClient

from registry.domain.clock import SHANGHAI, today
from tests.builders.bodies import SUSPENSION
from tests.builders.bureau import Bureau

Headers = dict[str, str]

TODAY = today()

FIELDS_OF_API_MD = {
    "name",
    "credit_code",
    "district_code",
    "address",
    "category",
    "subjects",
    "delivery",
    "legal_form",
    "legal_representative",
    "icp_number",
    "status",
    "licence",
    "supervision",
    "blacklisted",
    "open_rectification_orders",
    "version",
}


def _get(client: TestClient, key: Headers, institution_id: str, **params: str) -> Any:
    return client.get(f"/v1/institutions/{institution_id}", headers=key, params=params)


@pytest.fixture
def recorded_on(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Stamp the events recorded from now on with ``moment`` (a Shanghai wall-clock time)."""

    def at(moment: datetime) -> None:
        stamp = moment.replace(tzinfo=SHANGHAI).astimezone(UTC)
        monkeypatch.setattr(eventsourcing.domain, "datetime_now_with_tzinfo", lambda: stamp)

    return at


def test_the_regulator_view_has_every_field_of_the_contract_and_an_etag_of_its_version(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.legitimate()

    answer = _get(client, regulator_110108, institution_id)

    assert answer.status_code == 200, answer.text
    view = answer.json()
    assert FIELDS_OF_API_MD <= view.keys()
    assert view["id"] == institution_id
    assert view["version"] == 3
    assert answer.headers["etag"] == '"3"'
    assert view["blacklisted"] is False
    assert view["open_rectification_orders"] == []


def test_an_administrator_reads_any_institution(
    bureau: Bureau, client: TestClient, admin: Headers
) -> None:
    institution_id = bureau.register()

    assert _get(client, admin, institution_id).status_code == 200


def test_an_institution_nobody_registered_is_not_found(
    client: TestClient, regulator_110108: Headers, refused
) -> None:
    refused(_get(client, regulator_110108, str(uuid4())), 404)


def test_the_regulator_view_needs_a_key(bureau: Bureau, client: TestClient, refused) -> None:
    institution_id = bureau.register()

    refused(client.get(f"/v1/institutions/{institution_id}"), 401)


@pytest.mark.parametrize("reader", ["feed_110108", "court", "regulator_310104"])
def test_the_regulator_view_is_for_the_institutions_own_regulator(
    reader: str, bureau: Bureau, client: TestClient, request: pytest.FixtureRequest, refused
) -> None:
    institution_id = bureau.register()

    refused(_get(client, request.getfixturevalue(reader), institution_id), 403)


# -- as of a day -----------------------------------------------------------------------------


def test_an_institution_registered_today_did_not_exist_yesterday(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.register(registered_on=TODAY.isoformat())
    yesterday = (TODAY - timedelta(days=1)).isoformat()

    problem = refused(_get(client, regulator_110108, institution_id, as_of=yesterday), 404)
    assert yesterday in problem["detail"]


def test_as_of_today_gives_the_current_status(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.legitimate()
    bureau.suspend(institution_id)

    answer = _get(client, regulator_110108, institution_id, as_of=TODAY.isoformat())

    assert answer.status_code == 200, answer.text
    assert answer.json() == _get(client, regulator_110108, institution_id).json()
    assert answer.json()["status"] == "suspended"


def test_as_of_a_day_to_come_gives_the_current_status(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.licensed()

    answer = _get(client, regulator_110108, institution_id, as_of="2099-12-31")

    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "licensed"


def test_as_of_the_last_day_of_the_calendar_is_refused_naming_it_not_failed(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()

    answer = _get(client, regulator_110108, institution_id, as_of="9999-12-31")

    assert "as_of" in refused(answer, 422)["detail"]


def test_as_of_a_day_that_is_not_a_date_is_refused(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.register()

    refused(_get(client, regulator_110108, institution_id, as_of="去年"), 422)


def test_as_of_reads_the_dates_of_effect_not_the_day_recorded(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    """A suspension decided today to take effect next week is on today's record, not in force."""
    institution_id = bureau.licensed()
    next_week = (TODAY + timedelta(days=7)).isoformat()
    bureau.post(
        f"/v1/institutions/{institution_id}/suspension",
        {**SUSPENSION, "effective_from": next_week},
    )

    today_view = _get(client, regulator_110108, institution_id, as_of=TODAY.isoformat()).json()
    next_week_view = _get(client, regulator_110108, institution_id, as_of=next_week).json()

    assert (today_view["status"], today_view["record_status"]) == ("licensed", "suspended")
    assert [p["type"] for p in today_view["pending"]] == ["EnrolmentSuspended"]
    assert next_week_view["status"] == "suspended"
    assert next_week_view["suspension"]["effective_from"] == next_week


def end_of(day: str) -> str:
    return f"{day}T23:59:59.999999+08:00"


def test_known_at_a_past_day_gives_the_status_recorded_by_the_end_of_that_day(
    bureau: Bureau,
    client: TestClient,
    regulator_110108: Headers,
    recorded_on: Callable[[datetime], None],
    refused,
) -> None:
    recorded_on(datetime(2024, 3, 1, 9, 30))
    institution_id = bureau.register()
    recorded_on(datetime(2024, 3, 5, 14, 0))
    bureau.license(institution_id)
    recorded_on(datetime(2024, 6, 3, 10, 0))
    bureau.suspend(institution_id)
    recorded_on(datetime(2024, 12, 16, 16, 45))
    bureau.revoke(institution_id)

    def status_on(day: str) -> str:
        answer = _get(
            client, regulator_110108, institution_id, as_of=TODAY.isoformat(), known_at=end_of(day)
        )
        assert answer.status_code == 200, answer.text
        assert answer.headers["etag"] == f'"{answer.json()["version"]}"'
        status: str = answer.json()["status"]
        return status

    refused(_get(client, regulator_110108, institution_id, known_at=end_of("2024-02-29")), 404)
    assert status_on("2024-03-01") == "registered"
    assert status_on("2024-03-04") == "registered"
    assert status_on("2024-03-05") == "licensed"
    assert status_on("2024-06-02") == "licensed"
    assert status_on("2024-06-03") == "suspended"
    assert status_on("2024-12-15") == "suspended"
    assert status_on("2024-12-16") == "revoked"
    assert status_on(TODAY.isoformat()) == "revoked"


def test_the_day_known_ends_at_midnight_in_shanghai_not_in_utc(
    bureau: Bureau,
    client: TestClient,
    regulator_110108: Headers,
    recorded_on: Callable[[datetime], None],
) -> None:
    recorded_on(datetime(2024, 3, 5, 23, 30))  # 15:30 UTC on the 5th
    institution_id = bureau.register()
    recorded_on(datetime(2024, 3, 6, 0, 30))  # 16:30 UTC, still the 5th in UTC
    bureau.license(institution_id)

    view = _get(
        client,
        regulator_110108,
        institution_id,
        as_of=TODAY.isoformat(),
        known_at=end_of("2024-03-05"),
    ).json()

    assert (view["status"], view["version"]) == ("registered", 1)


def test_a_suspension_with_an_order_overdue_since_then_shows_in_the_view_known_that_day(
    bureau: Bureau,
    client: TestClient,
    regulator_110108: Headers,
    recorded_on: Callable[[datetime], None],
) -> None:
    recorded_on(datetime(2024, 10, 8, 9, 0))
    institution_id = bureau.licensed()
    order_id = bureau.order_rectification(
        institution_id, issued_on=date(2024, 10, 8), deadline=date(2024, 11, 8)
    )
    recorded_on(datetime(2024, 11, 20, 9, 0))
    bureau.suspend(institution_id)

    on = TODAY.isoformat()
    before = _get(client, regulator_110108, institution_id, as_of=on, known_at=end_of("2024-11-19"))
    after = _get(client, regulator_110108, institution_id, as_of=on, known_at=end_of("2024-11-20"))
    before, after = before.json(), after.json()

    assert (before["status"], before["open_rectification_orders"]) == ("licensed", [order_id])
    assert (after["status"], after["open_rectification_orders"]) == ("suspended", [order_id])
