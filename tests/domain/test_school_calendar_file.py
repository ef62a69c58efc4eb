"""A school calendar file, checked before anything is recorded (``calendar.dates``,
``calendar.province``), and the calendar of a province a district's lessons meet. No I/O."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from registry.domain.calendar_data import read_calendar_file
from registry.domain.calendar_stream import SchoolCalendars
from registry.domain.errors import InvalidInput, RuleViolation
from tests.builders.principals import ADMIN

OPERATOR = ADMIN.as_actor()


def holidays(**change: Any) -> dict[str, Any]:
    entry = {
        "year": 2026,
        "provenance": "published",
        "source": "国务院办公厅关于2026年部分节假日安排的通知",
        "days_off": [
            {"name": "春节", "start": "2026-02-15", "end": "2026-02-23"},
            {"name": "国庆节", "start": "2026-10-01", "end": "2026-10-07"},
        ],
        "workdays": ["2026-02-14", "2026-02-28"],
        **change,
    }
    return {"format": "registry.school-calendars/1", "holidays": [entry]}


def vacations(province: str = "44", **change: Any) -> dict[str, Any]:
    entry = {
        "province": province,
        "year": 2026,
        "provenance": "default",
        "source": "default (test)",
        "periods": [
            {"kind": "winter", "start": "2026-02-10", "end": "2026-02-27"},
            {"kind": "summer", "start": "2026-07-15", "end": "2026-08-20"},
        ],
        **change,
    }
    return {"format": "registry.school-calendars/1", "vacations": [entry]}


@pytest.mark.parametrize(
    "document",
    [
        holidays(workdays=["2026-02-16"]),  # a Monday
        holidays(workdays=["2026-02-15"]),  # a Sunday inside 春节
        holidays(
            days_off=[
                {"name": "春节", "start": "2026-02-15", "end": "2026-02-23"},
                {"name": "元宵", "start": "2026-02-23", "end": "2026-02-24"},
            ]
        ),
        vacations(periods=[{"kind": "summer", "start": "2026-08-20", "end": "2026-07-15"}]),
        vacations(periods=[{"kind": "summer", "start": "2026-07-15", "end": "2026-09-31"}]),
        vacations(year=2025),  # the periods are in 2026
    ],
    ids=[
        "weekday-workday",
        "workday-on-a-day-off",
        "overlapping-days-off",
        "inverted",
        "impossible",
        "other-year",
    ],
)
def test_a_calendar_file_with_impossible_dates_is_refused_calendar_dates(
    document: dict[str, Any],
) -> None:
    with pytest.raises(RuleViolation) as refused:
        read_calendar_file(document)

    assert refused.value.rule == "calendar.dates"


@pytest.mark.parametrize("province", ["99", "00", "4401", "71"])
def test_vacations_of_anything_but_the_31_provinces_are_refused_calendar_province(
    province: str,
) -> None:
    with pytest.raises(RuleViolation) as refused:
        read_calendar_file(vacations(province))

    assert refused.value.rule == "calendar.province"


@pytest.mark.parametrize(
    "document",
    [
        [],
        {"holidays": []},  # no format
        {**vacations(), "extra": 1},
        vacations(provenance="guessed"),
        vacations(source=""),
        {"format": "registry.school-calendars/1", "vacations": vacations()["vacations"] * 2},
    ],
    ids=["not-an-object", "no-format", "unknown-field", "provenance", "no-source", "twice"],
)
def test_a_malformed_calendar_file_is_refused_as_invalid_input(document: Any) -> None:
    with pytest.raises(InvalidInput):
        read_calendar_file(document)


def test_a_district_follows_its_provinces_vacations_and_the_national_holidays() -> None:
    calendars = SchoolCalendars.open(actor=OPERATOR)
    entries = read_calendar_file({**holidays(), "vacations": vacations()["vacations"]})
    calendars.set_holidays(entries.holidays[0], OPERATOR)
    calendars.set_vacations(entries.vacations[0], OPERATOR)

    guangdong, beijing = calendars.calendar_for("44"), calendars.calendar_for("11")

    assert guangdong.closed_to_academic_training(date(2026, 7, 21)) == (
        "a school vacation of 广东省"
    )
    assert beijing.closed_to_academic_training(date(2026, 7, 21)) is None
    assert beijing.closed_to_academic_training(date(2026, 10, 8)) is None
    assert beijing.closed_to_academic_training(date(2026, 10, 1)) == "a statutory holiday"
    assert beijing.closed_to_academic_training(date(2026, 2, 28)) is None  # worked Saturday


def test_setting_an_entry_again_as_it_is_records_nothing() -> None:
    calendars = SchoolCalendars.open(actor=OPERATOR)
    entry = read_calendar_file(vacations()).vacations[0]
    calendars.set_vacations(entry, OPERATOR)
    calendars.collect_events()

    assert calendars.set_vacations(entry, OPERATOR) is False
    assert calendars.collect_events() == []
