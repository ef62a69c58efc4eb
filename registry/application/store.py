"""The event store: the ``eventsourcing`` application under the registry's command path.

It loads aggregates (from this process's cache, or the database), saves them with the rows
that commit with their events, and reads the notification log for those that follow it.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Sequence
from copy import deepcopy
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, DomainEvent
from eventsourcing.persistence import IntegrityError, Notification, StoredEvent, Transcoder
from eventsourcing.utils import EnvType

from registry.adapters.pg_pool import check_when_stale
from registry.adapters.transcoder import Decoded, FastJSONTranscoder, WindowDecoder
from registry.adapters.with_events import RowsWithEvents
from registry.application.results import WriteResult
from registry.domain.errors import NotFound, WriteRace

A = TypeVar("A", bound=Aggregate)


def _mutate_each(aggregate: Any, events: Iterable[Any]) -> Any:
    """The library's ``project_aggregate`` without its check of each event against a runtime
    protocol (``isinstance`` on a ``typing.Protocol``: a third of the time spent applying a
    replayed institution's events, in a profile of the write path)."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def _copy(aggregate: Any) -> Any:
    """An aggregate's copy of its own: pickled (a third of a deep copy's time), else deep."""
    try:
        return pickle.loads(pickle.dumps(aggregate, pickle.HIGHEST_PROTOCOL))
    except (pickle.PicklingError, TypeError, AttributeError):
        return deepcopy(aggregate)


class EventStore(Application[UUID]):
    """The ``eventsourcing`` application: event store, repository and notification log."""

    # The library's name for the application; it also names the PostgreSQL event table
    # (``registry_events``), so it stays what it was when the first log was written.
    name = "Registry"
    env: ClassVar[dict[str, str]] = {"AGGREGATE_CACHE_MAXSIZE": "5000"}
    _window_decoder: WindowDecoder | None = None

    def __init__(self, env: EnvType | None = None) -> None:
        super().__init__(env)
        # PostgreSQL: a pooled connection is pinged only when it was not for a second.
        check_when_stale(self.recorder)

    def construct_transcoder(self) -> Transcoder:
        """The library's JSON transcoder and transcodings, decoding with ``orjson``."""
        transcoder = FastJSONTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def load(self, cls: type[A], aggregate_id: UUID, what: str, *, cached: bool = False) -> A:
        """The aggregate, or ``NotFound`` naming ``what`` was looked for.

        ``cached``: a copy of the aggregate as this process last saved or read it, without
        asking the database, which may be behind what another process wrote since. Only for
        an aggregate about to be saved: the save's version check refuses a stale copy
        (``IntegrityError``), and the caller judges the command again on a fresh one.
        """
        aggregate: object = None
        if cached:
            aggregate = self.cached_copy(aggregate_id)
            if aggregate is None and self.repository.snapshot_store is None:
                aggregate = self._replayed(aggregate_id)
                if aggregate is None:
                    raise NotFound(f"no {what} {aggregate_id}")
        if aggregate is None:
            try:
                aggregate = self.repository.get(aggregate_id, projector_func=_mutate_each)
            except AggregateNotFoundError:
                raise NotFound(f"no {what} {aggregate_id}") from None
        if not isinstance(aggregate, cls):
            raise NotFound(f"no {what} {aggregate_id}")
        return aggregate

    def _replayed(self, aggregate_id: UUID) -> object:
        """The aggregate replayed from its stored events, a copy of its own: the repository
        would cache it and hand out a deep copy, but the save caches the saved aggregate
        (``remember``) anyway, and a refusal is judged again through the repository."""
        return _mutate_each(None, self.events.get(aggregate_id))

    def cached_copy(self, aggregate_id: UUID) -> Aggregate | None:
        """A copy of this process's cached aggregate, or None when it is not cached."""
        cache = self.repository.cache
        try:
            found = None if cache is None else cache.get(aggregate_id)
        except KeyError:
            return None
        return None if found is None else _copy(found)

    def replayed_together(self, aggregate_ids: Sequence[UUID]) -> dict[UUID, Aggregate]:
        """These aggregates replayed from their events read in one query, each a copy of its
        own (not cached: the save caches what it saved); empty where the recorder cannot."""
        select: Callable[[Sequence[UUID]], list[StoredEvent]] | None = getattr(
            self.recorder, "select_events_of", None
        )
        if not aggregate_ids or select is None:
            return {}
        streams: dict[UUID, list[StoredEvent]] = {}
        for stored in select(aggregate_ids):
            streams.setdefault(UUID(str(stored.originator_id)), []).append(stored)
        replayed = {
            aggregate_id: _mutate_each(None, map(self.mapper.to_domain_event, stream))
            for aggregate_id, stream in streams.items()
        }
        return {k: v for k, v in replayed.items() if v is not None}

    def remember(self, *aggregates: Aggregate) -> None:
        """Keep just-saved aggregates as the cache's copies (the library, fast-forwarding its
        cache from the database instead, does not), unless a later version is there."""
        cache = self.repository.cache
        if cache is None:
            return
        for aggregate in aggregates:
            try:
                current = cache.get(aggregate.id)
            except KeyError:
                current = None
            if current is None or current.version < aggregate.version:
                cache.put(aggregate.id, aggregate)

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        """The aggregate if it exists (and is a ``cls``), else ``None``."""
        try:
            aggregate: object = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, cls) else None

    # -- the notification log, as followers read it (``LogReader``) ----------------------------

    def head(self) -> int:
        """The last position of the notification log (0 when it is empty)."""
        return self.recorder.max_notification_id() or 0

    def read(
        self, start: int, limit: int, topics: Sequence[str] = (), stop: int | None = None
    ) -> Sequence[Notification]:
        return self.recorder.select_notifications(
            start=start, limit=limit, stop=stop, topics=topics
        )

    def decode(self, notification: StoredEvent) -> DomainEvent:
        event = self.mapper.to_domain_event(notification)
        if not isinstance(event, DomainEvent):
            raise TypeError(f"position holds no domain event: {notification.topic}")
        return event

    def read_events(self, start: int, stop: int, topics: Sequence[str] = ()) -> list[Decoded]:
        """A follower's window, decoded: on PostgreSQL read as plain rows and decoded by one
        ``WindowDecoder``, elsewhere through ``read`` and ``decode``."""
        select_rows = getattr(self.recorder, "select_rows", None)
        if select_rows is not None:
            if self._window_decoder is None:
                self._window_decoder = WindowDecoder(self.mapper)
            return self._window_decoder.decode(select_rows(start, stop, topics))
        decoded: list[Decoded] = []
        for n in self.read(start + 1, stop - start, topics, stop):
            event, stream = self.decode(n), n.originator_id
            uid = stream if isinstance(stream, UUID) else UUID(stream)
            decoded.append((n.id, uid, n.originator_version, event.timestamp, event, str(uid)))
        return decoded

    def save_all(
        self, head: Aggregate, *others: Aggregate, with_events: Sequence[RowsWithEvents] = ()
    ) -> WriteResult:
        """Save atomically, ``with_events`` rows in the same transaction; a concurrent writer
        that got there first makes this a 409."""
        try:
            recordings = self.save(head, *others, with_events=with_events)
        except IntegrityError:
            raise WriteRace(
                "the record was changed by another request at the same time; read it and retry"
            ) from None
        self.remember(head, *others)
        return WriteResult(head.id, head.version, recordings[-1].notification.id)
