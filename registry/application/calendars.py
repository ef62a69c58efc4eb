"""School calendars: the file kept in the repository, files admins load, what lessons meet.

The repository's file (``registry/domain/school_calendars.json``) is recorded in the log the
first time the registry needs a calendar: the first lesson session judged, the first file an
admin loads, ``registry calendar show`` or ``registry demo``. From then on the log is the only
calendar: lessons are judged against what it holds when they are reported.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import resources
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from registry.application.core import EventStore
from registry.domain.calendar import SchoolCalendar
from registry.domain.calendar_data import CalendarFile, read_calendar_file
from registry.domain.calendar_stream import CALENDARS_ID, SchoolCalendars
from registry.domain.districts import PROVINCES, province_of
from registry.domain.errors import Conflict, NotFound, RuleViolation
from registry.domain.principal import SYSTEM, Principal
from registry.domain.rules import CALENDAR_PROVINCE

REPOSITORY_FILE = "school_calendars.json"
ADMIN_ONLY: tuple[str, ...] = ()  # ``require`` lets admins through whatever the roles

Lookup = Callable[[str], SchoolCalendar]
# The calendars a batch of lessons is judged against, read once when the batch is (``held``).
_HELD: ContextVar[Lookup | None] = ContextVar("held_school_calendars", default=None)


def repository_calendar() -> dict[str, Any]:
    """The calendar file kept in the repository (installed with the package)."""
    text = resources.files("registry.domain").joinpath(REPOSITORY_FILE).read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


@dataclass(frozen=True)
class CalendarLoad:
    """What loading a file changed: the entries set anew, how many were already so, and the
    log position of the change (``None`` when nothing changed)."""

    changed: tuple[str, ...]
    unchanged: int
    position: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "changed": list(self.changed),
            "unchanged": self.unchanged,
            "position": self.position,
        }


class Calendars:
    def __init__(self, store: EventStore) -> None:
        self.store = store
        # The calendars of the last version read, and each province's calendar made from them:
        # a lesson reads only the stream's version from the log while nothing changes.
        self._memo: tuple[int, SchoolCalendars | None, dict[str, SchoolCalendar]] = (-1, None, {})

    def _recorded(self) -> SchoolCalendars | None:
        return self.store.find(SchoolCalendars, CALENDARS_ID)

    def load(self, principal: Principal, document: object) -> CalendarLoad:
        """Record the entries of a calendar file that differ from the log (admins only); the
        whole file is checked first, and a file already recorded records nothing."""
        principal.require(ADMIN_ONLY)
        entries = read_calendar_file(document)
        self.ensure_recorded()
        return self._record(principal, entries)

    def ensure_recorded(self) -> None:
        """Record the repository's calendar file unless the log holds calendars already."""
        if self._recorded() is None:
            self._record(SYSTEM, read_calendar_file(repository_calendar()))

    def _record(self, principal: Principal, entries: CalendarFile) -> CalendarLoad:
        actor = principal.as_actor()
        for _attempt in range(3):
            recorded = self._recorded()
            calendars = recorded or SchoolCalendars.open(actor=actor)
            changed = tuple(
                [h.key for h in entries.holidays if calendars.set_holidays(h, actor)]
                + [v.key for v in entries.vacations if calendars.set_vacations(v, actor)]
            )
            if not changed and recorded is not None:
                return CalendarLoad((), len(entries.holidays) + len(entries.vacations), None)
            try:
                recordings = self.store.save(calendars)
            except IntegrityError:  # another process recorded first: read the stream again
                continue
            unchanged = len(entries.holidays) + len(entries.vacations) - len(changed)
            return CalendarLoad(changed, unchanged, recordings[-1].notification.id)
        raise Conflict("the school calendars are being changed by another request; retry")

    def for_district(self, district_code: str) -> SchoolCalendar:
        """The calendar the district's lessons are judged against, as recorded now (or as
        recorded when the batch being judged was, inside ``held``)."""
        held = _HELD.get()
        if held is not None:
            return held(district_code)
        return self.lookup()(district_code)

    def lookup(self) -> Lookup:
        """Each district's calendar as recorded now, for judging many lessons at once (a
        batch, the scale generator): one read of the log, one calendar per province."""
        version = self._version()
        memo_version, calendars, by_province = self._memo
        if version != memo_version:
            calendars = self._recorded()  # the library's own copy: nothing here changes it
            if calendars is None:  # cannot happen once recorded; said plainly if it does
                raise NotFound("no school calendars are recorded")
            by_province = {}
            self._memo = (calendars.version, calendars, by_province)

        def of(district_code: str) -> SchoolCalendar:
            province = province_of(district_code)
            found = by_province.get(province)
            if found is None:
                found = calendars.calendar_for(province) if calendars else SchoolCalendar()
                by_province[province] = found
            return found

        return of

    @contextmanager
    def held(self) -> Iterator[None]:
        """Within, lessons are judged against the calendars as recorded on entering: a feed's
        batch is reported at one moment, and reads the calendars once, not once a lesson."""
        token = _HELD.set(self.lookup())
        try:
            yield
        finally:
            _HELD.reset(token)

    def _version(self) -> int:
        """The calendars' version as recorded now (recording the repository's file first if
        the log holds none): the cached stream brought up to date, not copied."""
        for _attempt in range(2):
            try:
                current: object = self.store.repository.get(CALENDARS_ID, deepcopy_from_cache=False)
            except AggregateNotFoundError:
                self.ensure_recorded()
                continue
            if isinstance(current, SchoolCalendars):
                return current.version
        raise NotFound("no school calendars are recorded")

    def entries(self, province: str | None = None, year: int | None = None) -> dict[str, Any]:
        """The recorded holidays (of ``year``) and vacations (of ``province`` and ``year``)."""
        if province is not None and province not in PROVINCES:
            raise RuleViolation(
                CALENDAR_PROVINCE.id, f"{province!r} is not a provincial-level division"
            )
        calendars = self._recorded()
        if calendars is None:
            return {"holidays": [], "vacations": []}
        return {
            "holidays": [
                entry
                for y, entry in sorted(calendars.holidays.items())
                if year is None or y == year
            ],
            "vacations": [
                {**entry, "province_name": PROVINCES[p]}
                for (p, y), entry in sorted(calendars.vacations.items())
                if (province is None or p == province) and (year is None or y == year)
            ],
        }

    def of(self, province: str, year: int) -> dict[str, Any]:
        """One province's calendar of one year: its statutory holidays and its vacations."""
        found = self.entries(province, year)
        if not found["holidays"] and not found["vacations"]:
            raise NotFound(f"no school calendar recorded for province {province} in {year}")
        return {
            "province": province,
            "province_name": PROVINCES[province],
            "year": year,
            "holidays": found["holidays"][0] if found["holidays"] else None,
            "vacations": found["vacations"][0] if found["vacations"] else None,
        }
