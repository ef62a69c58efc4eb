"""The registry's own clock: the days it has reviewed, recorded as events.

Time-based risk signals (a rectification order past its deadline, a licence about to expire)
change with the calendar, not with any regulator's act. The registry records each day it
reviews (``DayReviewed``) in one stream of its own, so the read models judge "overdue" against
a day that is in the log: replaying the log gives the same alerts on the same days.
"""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from registry.domain import rules
from registry.domain.errors import RuleViolation
from registry.domain.vocabulary import Actor

CLOCK_ID = uuid5(NAMESPACE_URL, "/registry/clock")


class RegistryClock(Aggregate):
    """The one stream of days the registry has reviewed, each after the last."""

    @staticmethod
    def create_id() -> UUID:
        """There is one clock: its id is fixed, so two first reviews collide in the store."""
        return CLOCK_ID

    @classmethod
    def start(cls, *, actor: Actor) -> RegistryClock:
        """The registry starts keeping its calendar (on the first day it reviews)."""
        return cls._create(cls.ClockStarted, actor=actor)

    class ClockStarted(Aggregate.Created):
        actor: Actor

    @event(ClockStarted)
    def __init__(self, actor: Actor) -> None:
        self.last_reviewed: str | None = None

    @property
    def last_reviewed_day(self) -> date | None:
        return date.fromisoformat(self.last_reviewed) if self.last_reviewed else None

    def review(self, *, on: date, actor: Actor) -> None:
        """The registry reviews a day: time-based signals are judged as of ``on``."""
        last = self.last_reviewed_day
        if last is not None and on <= last:
            raise RuleViolation(
                rules.CLOCK_FORWARD_ONLY.id,
                f"{on.isoformat()} is not after the last reviewed day {last.isoformat()}",
            )
        self._day_reviewed(on=on.isoformat(), actor=actor)

    class DayReviewed(Aggregate.Event):
        on: str
        actor: Actor

    @event(DayReviewed)
    def _day_reviewed(self, on: str, actor: Actor) -> None:
        self.last_reviewed = on
