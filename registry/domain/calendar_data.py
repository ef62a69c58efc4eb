"""A school calendar file, read and checked: statutory holidays per year, vacations per province.

The file kept in the repository (``registry/domain/school_calendars.json``) and any file an
admin loads have this shape (JSON)::

    {"format": "registry.school-calendars/1",
     "holidays": [{"year": 2026, "provenance": "published", "source": "…",
                   "days_off": [{"name": "春节", "start": "2026-02-15", "end": "2026-02-23"}],
                   "workdays": ["2026-02-14", "2026-02-28"]}],
     "vacations": [{"province": "44", "year": 2026, "provenance": "default", "source": "…",
                    "periods": [{"kind": "summer", "start": "2026-07-15", "end": "2026-08-20"}]}]}

A malformed file is refused as a whole (``InvalidInput``, or ``RuleViolation`` naming
``calendar.dates`` or ``calendar.province``), before anything is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from registry.domain import rules
from registry.domain.districts import PROVINCES
from registry.domain.errors import InvalidInput, RuleViolation

FORMAT = "registry.school-calendars/1"
HOLIDAY_PROVENANCE = ("published", "provisional")
VACATION_PROVENANCE = ("published", "default")
VACATION_KINDS = ("winter", "summer")
YEARS = range(2000, 2101)


@dataclass(frozen=True)
class HolidayYear:
    """One year's statutory days off and make-up working days (调休上班), with their source."""

    year: int
    days_off: tuple[tuple[str, date, date], ...]
    workdays: tuple[date, ...]
    provenance: str
    source: str

    @property
    def key(self) -> str:
        return f"holidays {self.year}"

    def stored(self) -> dict[str, Any]:
        """The fields of ``HolidaysSet`` (dates as ISO strings)."""
        return {
            "year": self.year,
            "days_off": [
                {"name": n, "start": s.isoformat(), "end": e.isoformat()}
                for n, s, e in self.days_off
            ],
            "workdays": [d.isoformat() for d in self.workdays],
            "provenance": self.provenance,
            "source": self.source,
        }


@dataclass(frozen=True)
class ProvinceVacations:
    """One province's school vacations that fall in one year, with their source."""

    province: str
    year: int
    periods: tuple[tuple[str, date, date], ...]
    provenance: str
    source: str

    @property
    def key(self) -> str:
        return f"vacations {self.province}/{self.year}"

    def stored(self) -> dict[str, Any]:
        """The fields of ``VacationsSet`` (dates as ISO strings)."""
        return {
            "province": self.province,
            "year": self.year,
            "periods": [
                {"kind": k, "start": s.isoformat(), "end": e.isoformat()}
                for k, s, e in self.periods
            ],
            "provenance": self.provenance,
            "source": self.source,
        }


@dataclass(frozen=True)
class CalendarFile:
    holidays: tuple[HolidayYear, ...]
    vacations: tuple[ProvinceVacations, ...]


def read_calendar_file(document: object) -> CalendarFile:
    """The entries of a calendar file, every one checked; the first problem refuses it all."""
    doc = _object(document, "the file", {"format", "note", "holidays", "vacations"})
    if doc.get("format") != FORMAT:
        raise InvalidInput(f'"format" must be "{FORMAT}"', "format")
    holidays = tuple(
        _holiday_year(entry, f"holidays[{i}]")
        for i, entry in enumerate(_list(doc.get("holidays", []), "holidays"))
    )
    vacations = tuple(
        _province_vacations(entry, f"vacations[{i}]")
        for i, entry in enumerate(_list(doc.get("vacations", []), "vacations"))
    )
    _once([h.key for h in holidays], "holidays")
    _once([v.key for v in vacations], "vacations")
    return CalendarFile(holidays, vacations)


def _holiday_year(entry: object, where: str) -> HolidayYear:
    fields = _object(entry, where, {"year", "provenance", "source", "days_off", "workdays"})
    year = _year(fields, where)
    days_off = tuple(
        _period(p, f"{where}.days_off[{i}]", year, "name", None)
        for i, p in enumerate(_list(fields.get("days_off", []), f"{where}.days_off"))
    )
    _no_overlap(days_off, f"{where} ({year})")
    workdays = tuple(
        _day(d, f"{where}.workdays[{i}]", year)
        for i, d in enumerate(_list(fields.get("workdays", []), f"{where}.workdays"))
    )
    for day in workdays:
        if day.weekday() < 5:
            raise RuleViolation(
                rules.CALENDAR_DATES.id,
                f"{where}: make-up working day {day} is a weekday, not a Saturday or Sunday",
            )
        if any(start <= day <= end for _, start, end in days_off):
            raise RuleViolation(
                rules.CALENDAR_DATES.id, f"{where}: make-up working day {day} is a day off"
            )
    return HolidayYear(
        year,
        days_off,
        tuple(sorted(set(workdays))),
        _choice(fields, "provenance", HOLIDAY_PROVENANCE, where),
        _text(fields, "source", where),
    )


def _province_vacations(entry: object, where: str) -> ProvinceVacations:
    fields = _object(entry, where, {"province", "year", "provenance", "source", "periods"})
    province = fields.get("province")
    if not isinstance(province, str):
        raise InvalidInput(f"{where}.province must be a two-digit code", f"{where}.province")
    if province not in PROVINCES:
        raise RuleViolation(
            rules.CALENDAR_PROVINCE.id,
            f"{where}: {province!r} is not a provincial-level division (11 … 65, GB/T 2260)",
        )
    year = _year(fields, where)
    periods = tuple(
        _period(p, f"{where}.periods[{i}]", year, "kind", VACATION_KINDS)
        for i, p in enumerate(_list(fields.get("periods", []), f"{where}.periods"))
    )
    _no_overlap(periods, f"{where} ({province}/{year})")
    return ProvinceVacations(
        province,
        year,
        periods,
        _choice(fields, "provenance", VACATION_PROVENANCE, where),
        _text(fields, "source", where),
    )


def _period(
    entry: object, where: str, year: int, label: str, labels: tuple[str, ...] | None
) -> tuple[str, date, date]:
    fields = _object(entry, where, {label, "start", "end"})
    name = _choice(fields, label, labels, where) if labels else _text(fields, label, where)
    start = _day(fields.get("start"), f"{where}.start", year)
    end = _day(fields.get("end"), f"{where}.end", year)
    if end < start:
        raise RuleViolation(
            rules.CALENDAR_DATES.id, f"{where}: {name} ends on {end}, before it starts on {start}"
        )
    return name, start, end


def _no_overlap(periods: tuple[tuple[str, date, date], ...], where: str) -> None:
    ordered = sorted(periods, key=lambda p: p[1])
    for (first, _, first_end), (second, second_start, _) in zip(ordered, ordered[1:], strict=False):
        if second_start <= first_end:
            raise RuleViolation(
                rules.CALENDAR_DATES.id,
                f"{where}: {second} starts on {second_start}, before {first} ends on {first_end}",
            )


def _day(value: object, where: str, year: int) -> date:
    if not isinstance(value, str):
        raise InvalidInput(f"{where} must be a date (YYYY-MM-DD)", where)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise RuleViolation(
            rules.CALENDAR_DATES.id, f"{where}: {value!r} is not a date (YYYY-MM-DD)"
        ) from None
    if day.year != year:
        raise RuleViolation(rules.CALENDAR_DATES.id, f"{where}: {day} is not in {year}")
    return day


def _year(fields: dict[str, Any], where: str) -> int:
    year = fields.get("year")
    if type(year) is not int or year not in YEARS:
        raise InvalidInput(f"{where}.year must be a year from 2000 to 2100", f"{where}.year")
    return year


def _choice(fields: dict[str, Any], name: str, allowed: tuple[str, ...], where: str) -> str:
    value = fields.get(name)
    if value not in allowed:
        raise InvalidInput(f"{where}.{name} must be one of {list(allowed)}", f"{where}.{name}")
    return str(value)


def _text(fields: dict[str, Any], name: str, where: str) -> str:
    value = fields.get(name)
    if (
        not isinstance(value, str)
        or not value.strip()
        or len(value) > 2000
        or any(ord(c) < 32 and c not in "\t\n\r" for c in value)
    ):
        raise InvalidInput(
            f"{where}.{name} must be a text of 1 to 2000 characters without control characters",
            f"{where}.{name}",
        )
    return value.strip()


def _object(value: object, where: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput(f"{where} must be an object", where)
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise InvalidInput(f"{where} has unknown fields {unknown}", where)
    return value


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidInput(f"{where} must be a list", where)
    return value


def _once(keys: list[str], where: str) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise InvalidInput(f"{where}: {key} is given twice", where)
        seen.add(key)
