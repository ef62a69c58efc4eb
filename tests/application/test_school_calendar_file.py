"""The calendar file kept in the repository: complete, sourced, and honest about provenance."""

from __future__ import annotations

from datetime import date

from registry.application.calendars import repository_calendar
from registry.domain.calendar_data import read_calendar_file
from registry.domain.districts import PROVINCES


def test_the_repository_calendar_covers_2024_to_2027_and_every_province() -> None:
    entries = read_calendar_file(repository_calendar())

    assert [h.year for h in entries.holidays] == [2024, 2025, 2026, 2027]
    assert {(v.province, v.year) for v in entries.vacations} == {
        (p, y) for p in PROVINCES for y in (2024, 2025, 2026, 2027)
    }
    assert all(e.source for e in (*entries.holidays, *entries.vacations))


def test_holidays_are_the_state_councils_published_notices_and_2027_is_provisional() -> None:
    holidays = {h.year: h for h in read_calendar_file(repository_calendar()).holidays}

    assert [holidays[y].provenance for y in (2024, 2025, 2026)] == ["published"] * 3
    assert "国办发明电〔2023〕7号" in holidays[2024].source
    assert "国办发明电〔2024〕12号" in holidays[2025].source
    assert ("春节", date(2024, 2, 10), date(2024, 2, 17)) in holidays[2024].days_off
    assert date(2025, 1, 26) in holidays[2025].workdays
    assert holidays[2027].provenance == "provisional"
    assert "PROVISIONAL" in holidays[2027].source and holidays[2027].workdays == ()


def test_vacations_are_published_only_where_a_provincial_calendar_is_cited() -> None:
    vacations = read_calendar_file(repository_calendar()).vacations
    published = {(v.province, v.year) for v in vacations if v.provenance == "published"}

    assert published == {("11", 2026), ("31", 2026)}
    assert all(v.source.startswith("DEFAULT") for v in vacations if v.provenance == "default")
