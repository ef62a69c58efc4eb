"""The registry's daily review: the day its time-based risk signals are judged on."""

from __future__ import annotations

from datetime import date, timedelta

from eventsourcing.persistence import IntegrityError

from registry.application.results import WriteResult
from registry.application.store import EventStore
from registry.domain.clock_stream import CLOCK_ID, RegistryClock
from registry.domain.errors import Conflict
from registry.domain.principal import Principal


class Clock:
    def __init__(self, store: EventStore) -> None:
        self.store = store

    def _clock(self) -> RegistryClock | None:
        return self.store.find(RegistryClock, CLOCK_ID)

    def review_day(self, principal: Principal, on: date) -> WriteResult | None:
        """Record that the registry reviewed ``on`` (time-based risk signals are judged then).

        Only the registry itself (its projector runner) or an admin; ``None`` when ``on`` is
        the day already reviewed, so every process may try once a day.
        """
        principal.require(())
        for _attempt in range(3):
            clock = self._clock() or RegistryClock.start(actor=principal.as_actor())
            if clock.last_reviewed_day == on:
                return None
            clock.review(on=on, actor=principal.as_actor())
            try:
                recordings = self.store.save(clock)
            except IntegrityError:  # another process reviewed first: read the clock again
                continue
            return WriteResult(clock.id, clock.version, recordings[-1].notification.id)
        raise Conflict("the registry's clock is busy; retry")

    def catch_up(self, principal: Principal, through: date) -> list[WriteResult]:
        """Review every day after the last reviewed one up to ``through``, in order, so the
        time-based signals of days the registry was not running are judged on their own day
        (an order overdue on a missed day is overdue from that day)."""
        last = self.last_reviewed_day()
        days = (
            [through]
            if last is None
            else [last + timedelta(days=n) for n in range(1, (through - last).days + 1)]
        )
        reviewed = [self.review_day(principal, day) for day in days]
        return [r for r in reviewed if r is not None]

    def last_reviewed_day(self) -> date | None:
        """The last day the registry reviewed, if any."""
        clock = self._clock()
        return clock.last_reviewed_day if clock else None
