"""The school calendars as recorded: statutory holidays per year, vacations per province.

One stream holds every calendar entry the registry judges lessons by. An entry set again with
the same content records nothing; set with other content, it replaces the earlier one from
then on. A lesson is judged against the calendar as recorded when the lesson is reported, and
its flag is recorded with it, so a replay of the log gives the same flags.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from registry.domain import calendar_events
from registry.domain.calendar import SchoolCalendar, days_between
from registry.domain.calendar_data import HolidayYear, ProvinceVacations
from registry.domain.districts import PROVINCES
from registry.domain.vocabulary import Actor

CALENDARS_ID = uuid5(NAMESPACE_URL, "/registry/school-calendars")


class SchoolCalendars(Aggregate):
    """Statutory holidays (per year) and school vacations (per province and year)."""

    CalendarsOpened = calendar_events.CalendarsOpened
    HolidaysSet = calendar_events.HolidaysSet
    VacationsSet = calendar_events.VacationsSet

    @staticmethod
    def create_id() -> UUID:
        """There is one stream: its id is fixed, so two first loads collide in the store."""
        return CALENDARS_ID

    @classmethod
    def open(cls, *, actor: Actor) -> SchoolCalendars:
        """The registry starts keeping school calendars."""
        return cls._create(cls.CalendarsOpened, actor=actor)

    @event(CalendarsOpened)
    def __init__(self, actor: Actor) -> None:
        self.holidays: dict[int, dict[str, Any]] = {}
        self.vacations: dict[tuple[str, int], dict[str, Any]] = {}

    def set_holidays(self, entry: HolidayYear, actor: Actor) -> bool:
        """Record a year's holidays unless they are recorded already; whether anything was."""
        fields = entry.stored()
        if self.holidays.get(entry.year) == fields:
            return False
        self._holidays_set(**fields, actor=actor)
        return True

    @event(HolidaysSet)
    def _holidays_set(
        self,
        year: int,
        days_off: list[dict[str, Any]],
        workdays: list[str],
        provenance: str,
        source: str,
        actor: Actor,
    ) -> None:
        self.holidays[year] = {
            "year": year,
            "days_off": days_off,
            "workdays": workdays,
            "provenance": provenance,
            "source": source,
        }

    def set_vacations(self, entry: ProvinceVacations, actor: Actor) -> bool:
        """Record a province's vacations of a year unless recorded already; whether it was."""
        fields = entry.stored()
        if self.vacations.get((entry.province, entry.year)) == fields:
            return False
        self._vacations_set(**fields, actor=actor)
        return True

    @event(VacationsSet)
    def _vacations_set(
        self,
        province: str,
        year: int,
        periods: list[dict[str, Any]],
        provenance: str,
        source: str,
        actor: Actor,
    ) -> None:
        self.vacations[(province, year)] = {
            "province": province,
            "year": year,
            "periods": periods,
            "provenance": provenance,
            "source": source,
        }

    def calendar_for(self, province: str) -> SchoolCalendar:
        """What academic lessons of ``province``'s districts are judged against."""
        holidays: set[date] = set()
        workdays: set[date] = set()
        for entry in self.holidays.values():
            for off in entry["days_off"]:
                holidays |= days_between(_day(off["start"]), _day(off["end"]))
            workdays |= {_day(d) for d in entry["workdays"]}
        vacations = tuple(
            (_day(p["start"]), _day(p["end"]))
            for (where, _), entry in sorted(self.vacations.items())
            if where == province
            for p in entry["periods"]
        )
        return SchoolCalendar(
            frozenset(holidays), frozenset(workdays), vacations, PROVINCES.get(province, province)
        )


def _day(value: str) -> date:
    return date.fromisoformat(value)
