"""The events of the school calendars' stream: what is stored, field by field.

They are declared here and attached to ``SchoolCalendars`` (``calendar_stream``), whose
``@event`` methods apply them; the stored topic is the aggregate's
(``registry.domain.calendar_stream:SchoolCalendars.<name>``). Read them from
``registry.domain.events``. Dates are ISO strings as stored.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from registry.domain.vocabulary import Actor


class CalendarsOpened(Aggregate.Created):
    """The registry starts keeping school calendars (with the file kept in the repository)."""

    actor: Actor


class HolidaysSet(Aggregate.Event):
    """A year's statutory days off and make-up working days, per the State Council's notice
    (``provenance`` ``published``), or what is known before it (``provisional``); replaces
    what was set for that year."""

    year: int
    days_off: list[dict[str, Any]]  # {"name", "start", "end"}
    workdays: list[str]
    provenance: str
    source: str
    actor: Actor


class VacationsSet(Aggregate.Event):
    """A province's winter and summer school vacations in a year, from its published school
    calendar (``published``) or the registry's labelled default (``default``); replaces what
    was set for that province and year."""

    province: str
    year: int
    periods: list[dict[str, Any]]  # {"kind", "start", "end"}
    provenance: str
    source: str
    actor: Actor
