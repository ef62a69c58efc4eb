"""When academic training may not take place: rest days, statutory holidays, school vacations.

Statutory holidays and make-up working days follow the State Council's yearly notices; school
vacations are set per province. Both are data recorded in the registry's log
(``calendar_stream.SchoolCalendars``, loaded from the file kept in the repository and extended
by admins); this value is what one province's lessons are judged against. Without any data
(``DEFAULT_CALENDAR``) only weekends are rest days.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta


def days_between(start: date, end: date) -> frozenset[date]:
    """Every day from ``start`` to ``end``, both included."""
    return frozenset(start + timedelta(days=n) for n in range((end - start).days + 1))


@dataclass(frozen=True)
class SchoolCalendar:
    """Rest days and vacations of one jurisdiction (``where`` names it in a breach's detail)."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    vacations: tuple[tuple[date, date], ...] = field(default_factory=tuple)
    where: str = ""

    def with_vacations(self, *periods: tuple[date, date]) -> SchoolCalendar:
        """The same calendar with more school vacations (inclusive date ranges)."""
        return replace(self, vacations=self.vacations + tuple(periods))

    def closed_to_academic_training(self, day: date) -> str | None:
        """Why academic training may not happen on ``day`` (None when it may)."""
        if day in self.holidays:
            return "a statutory holiday"
        if any(start <= day <= end for start, end in self.vacations):
            return f"a school vacation of {self.where}" if self.where else "a school vacation"
        if day.weekday() >= 5 and day not in self.workdays:
            return "a weekend rest day"
        return None


DEFAULT_CALENDAR = SchoolCalendar()
