"""School calendars over HTTP: admins load files, anyone reads a province's calendar."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from registry.application.calendars import repository_calendar
from registry.bootstrap import Services

Refused = Callable[[httpx.Response, int], dict[str, Any]]
Headers = dict[str, str]

GUANGDONG_SUMMER = {
    "format": "registry.school-calendars/1",
    "vacations": [
        {
            "province": "44",
            "year": 2026,
            "provenance": "published",
            "source": "广东省教育厅 2025—2026学年校历 (test file)",
            "periods": [
                {"kind": "winter", "start": "2026-01-31", "end": "2026-03-01"},
                {"kind": "summer", "start": "2026-07-04", "end": "2026-08-31"},
            ],
        }
    ],
}


def with_period(start: str, end: str, province: str = "44") -> dict[str, Any]:
    document = copy.deepcopy(GUANGDONG_SUMMER)
    entry = document["vacations"][0]
    entry["province"] = province
    entry["periods"][1].update(start=start, end=end)
    return document


def test_an_admin_loads_a_calendar_file_and_loading_it_again_changes_nothing(
    client: TestClient, services: Services, admin: Headers
) -> None:
    first = client.post("/v1/admin/calendars", json=GUANGDONG_SUMMER, headers=admin)
    head = services.registry.store.head()
    again = client.post("/v1/admin/calendars", json=GUANGDONG_SUMMER, headers=admin)

    assert first.status_code == 200, first.text
    assert first.json()["changed"] == ["vacations 44/2026"]
    assert first.json()["position"] == head
    assert again.json() == {"changed": [], "unchanged": 1, "position": None}
    assert services.registry.store.head() == head


def test_anyone_reads_a_provinces_calendar_of_a_year_with_its_sources(
    client: TestClient, admin: Headers
) -> None:
    client.post("/v1/admin/calendars", json=GUANGDONG_SUMMER, headers=admin)

    answer = client.get("/v1/public/calendars/44/2026")

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["province_name"] == "广东省"
    assert body["vacations"]["provenance"] == "published"
    assert body["vacations"]["periods"][1] == {
        "kind": "summer",
        "start": "2026-07-04",
        "end": "2026-08-31",
    }
    assert body["holidays"]["provenance"] == "published"
    assert "国务院办公厅关于2026年部分节假日安排的通知" in body["holidays"]["source"]
    assert {"name": "国庆节", "start": "2026-10-01", "end": "2026-10-07"} in body["holidays"][
        "days_off"
    ]


def test_the_2027_holidays_are_marked_provisional_until_the_notice_is_loaded(
    client: TestClient, admin: Headers
) -> None:
    client.post("/v1/admin/calendars", json=GUANGDONG_SUMMER, headers=admin)

    holidays = client.get("/v1/public/calendars/11/2027").json()["holidays"]

    assert holidays["provenance"] == "provisional"
    assert holidays["workdays"] == []


@pytest.mark.parametrize(
    ("document", "rule"),
    [
        (with_period("2026-08-31", "2026-07-04"), "calendar.dates"),
        (with_period("2026-02-20", "2026-08-31"), "calendar.dates"),  # overlaps the winter
        (with_period("2026-07-04", "2027-08-31"), "calendar.dates"),  # not in 2026
        (with_period("2026-07-04", "2026-08-31", province="99"), "calendar.province"),
    ],
    ids=["inverted", "overlapping", "other-year", "unknown-province"],
)
def test_a_bad_calendar_file_is_refused_naming_the_rule_and_changes_nothing(
    client: TestClient,
    services: Services,
    admin: Headers,
    refused: Refused,
    document: dict[str, Any],
    rule: str,
) -> None:
    client.post("/v1/admin/calendars", json=repository_calendar(), headers=admin)
    head = services.registry.store.head()

    problem = refused(client.post("/v1/admin/calendars", json=document, headers=admin), 422)

    assert problem["rule"] == rule
    assert services.registry.store.head() == head


def test_an_impossible_date_in_a_calendar_file_is_refused(
    client: TestClient, services: Services, admin: Headers, refused: Refused
) -> None:
    head = services.registry.store.head()

    refused(
        client.post(
            "/v1/admin/calendars", json=with_period("2026-02-30", "2026-08-31"), headers=admin
        ),
        422,
    )

    assert services.registry.store.head() == head


def test_only_an_admin_loads_calendar_files(
    client: TestClient, services: Services, regulator_110108: Headers, refused: Refused
) -> None:
    head = services.registry.store.head()

    refused(
        client.post("/v1/admin/calendars", json=GUANGDONG_SUMMER, headers=regulator_110108), 403
    )
    # The role is judged before the body: a bad file from a regulator is still a 403.
    refused(client.post("/v1/admin/calendars", json={"x": 1}, headers=regulator_110108), 403)

    assert services.registry.store.head() == head


def test_a_calendar_not_recorded_is_not_found_and_an_unknown_province_is_refused(
    client: TestClient, refused: Refused
) -> None:
    refused(client.get("/v1/public/calendars/44/2026"), 404)
    assert refused(client.get("/v1/public/calendars/99/2026"), 422)["rule"] == ("calendar.province")


def test_a_provinces_calendar_is_read_from_the_log_so_a_loaded_file_shows_at_once(
    no_projector: TestClient, admin: Headers
) -> None:
    no_projector.post("/v1/admin/calendars", json=repository_calendar(), headers=admin)
    before = no_projector.get("/v1/public/calendars/44/2026").json()["vacations"]

    no_projector.post("/v1/admin/calendars", json=GUANGDONG_SUMMER, headers=admin)
    after = no_projector.get("/v1/public/calendars/44/2026").json()["vacations"]

    assert before["provenance"] == "default"
    assert after["provenance"] == "published"
