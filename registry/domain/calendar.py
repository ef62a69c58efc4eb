"""When academic training may not take place: rest days, statutory holidays, school vacations.

Statutory holidays and make-up working days follow the State Council's yearly notices; school
vacations are set locally, so a calendar is extended per jurisdiction with ``with_vacations``
(or from a JSON file, see ``registry.settings``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta


def _days(start: date, end: date) -> frozenset[date]:
    return frozenset(start + timedelta(days=n) for n in range((end - start).days + 1))


# 国务院办公厅关于部分节假日安排的通知 (2025, 2026): days off, and weekend days worked instead.
# Each year's notice appears in the autumn before; add it here (and check it) when published.
STATUTORY_HOLIDAYS = (
    _days(date(2025, 1, 1), date(2025, 1, 1))
    | _days(date(2025, 1, 28), date(2025, 2, 4))
    | _days(date(2025, 4, 4), date(2025, 4, 6))
    | _days(date(2025, 5, 1), date(2025, 5, 5))
    | _days(date(2025, 5, 31), date(2025, 6, 2))
    | _days(date(2025, 10, 1), date(2025, 10, 8))
    | _days(date(2026, 1, 1), date(2026, 1, 3))
    | _days(date(2026, 2, 15), date(2026, 2, 23))
    | _days(date(2026, 4, 4), date(2026, 4, 6))
    | _days(date(2026, 5, 1), date(2026, 5, 5))
    | _days(date(2026, 6, 19), date(2026, 6, 21))
    | _days(date(2026, 9, 25), date(2026, 9, 27))
    | _days(date(2026, 10, 1), date(2026, 10, 7))
)
MAKE_UP_WORKDAYS = frozenset(
    {
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
)


@dataclass(frozen=True)
class SchoolCalendar:
    """Rest days and vacations of one jurisdiction."""

    holidays: frozenset[date] = STATUTORY_HOLIDAYS
    workdays: frozenset[date] = MAKE_UP_WORKDAYS
    vacations: tuple[tuple[date, date], ...] = field(default_factory=tuple)

    def with_vacations(self, *periods: tuple[date, date]) -> SchoolCalendar:
        """The same calendar with more school vacations (inclusive date ranges)."""
        return replace(self, vacations=self.vacations + tuple(periods))

    def closed_to_academic_training(self, day: date) -> str | None:
        """Why academic training may not happen on ``day`` (None when it may)."""
        if day in self.holidays:
            return "a statutory holiday"
        if any(start <= day <= end for start, end in self.vacations):
            return "a school vacation"
        if day.weekday() >= 5 and day not in self.workdays:
            return "a weekend rest day"
        return None


DEFAULT_CALENDAR = SchoolCalendar()
