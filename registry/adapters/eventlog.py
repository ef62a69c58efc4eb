"""Reading one aggregate's stored events together with their notification positions.

The library's repository rebuilds aggregates but does not say where each event sits in the
notification log; the API and the case file need both, so this reads the event table directly
and decodes each row with the application's own mapper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Notification, StoredEvent
from sqlalchemy import Engine, bindparam, text

from registry.adapters.transcoder import Decoded
from registry.settings import Settings

# The library names the PostgreSQL event table after the application ("Registry").
POSTGRES_EVENTS_TABLE = "registry_events"

ENVELOPE = {"originator_id", "originator_version", "timestamp", "originator_topic", "actor"}


class LogReader(Protocol):
    """What a follower of the notification log needs: the head, a batch, and decoding."""

    def head(self) -> int:
        """The last position written (0 when the log is empty)."""
        ...

    def read(
        self, start: int, limit: int, topics: Sequence[str] = (), stop: int | None = None
    ) -> Sequence[Notification]:
        """Up to ``limit`` notifications from position ``start`` on (of ``topics`` only, if
        given, and none after ``stop``)."""
        ...

    def decode(self, notification: StoredEvent) -> DomainEvent:
        """The domain event a stored event or notification holds."""
        ...

    def read_events(self, start: int, stop: int, topics: Sequence[str] = ()) -> list[Decoded]:
        """The events after position ``start`` up to ``stop`` (of ``topics`` only, if given),
        decoded, in log order: (position, stream id, version, recorded at, event, stream id
        as text)."""
        ...


@dataclass(frozen=True)
class LoggedEvent:
    """An event as the audit trail shows it."""

    position: int
    version: int
    type: str
    recorded_at: datetime
    actor: dict[str, Any]
    data: dict[str, Any]
    originator_id: UUID


class EventLog:
    """An aggregate's events with their positions, read from the event table by stream."""

    def __init__(self, log: LogReader, engine: Engine, settings: Settings) -> None:
        self.log = log
        self.engine = engine
        # SQLite keeps ids as hex text, PostgreSQL as uuid.
        self.id_as_hex = settings.backend == "sqlite"
        if settings.backend == "sqlite":
            self.sql = text(
                "SELECT rowid AS position, originator_id, originator_version, topic, state "
                "FROM stored_events WHERE originator_id = :id AND originator_version > :after "
                "ORDER BY originator_version LIMIT :limit"
            )
        else:
            table = POSTGRES_EVENTS_TABLE
            self.sql = text(
                "SELECT notification_id AS position, originator_id, originator_version, topic, "
                f"state FROM {table} WHERE originator_id = :id AND originator_version > :after "
                "ORDER BY originator_version LIMIT :limit"
            )

    def existing(self, originator_ids: Sequence[UUID]) -> set[UUID]:
        """Which of these streams hold an event: one query for a whole batch."""
        if not originator_ids:
            return set()
        table = "stored_events" if self.id_as_hex else POSTGRES_EVENTS_TABLE
        sql = text(
            f"SELECT originator_id FROM {table} "
            "WHERE originator_id IN :ids AND originator_version = 1"
        ).bindparams(bindparam("ids", expanding=True))
        ids = [i.hex if self.id_as_hex else i for i in originator_ids]
        with self.engine.connect() as conn:
            rows = conn.execute(sql, {"ids": ids}).scalars().all()
        return {UUID(str(r)) if not isinstance(r, UUID) else r for r in rows}

    def events(
        self, originator_id: UUID, after_version: int = 0, limit: int = 1000
    ) -> list[LoggedEvent]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                self.sql,
                {
                    "id": originator_id.hex if self.id_as_hex else originator_id,
                    "after": after_version,
                    "limit": limit,
                },
            ).all()
        return [self._decode(originator_id, row) for row in rows]

    def version_at(self, originator_id: UUID, position: int) -> int | None:
        """The version of the stream's event at log ``position``, if it is one of its own."""
        events = self.events(originator_id, 0, 1_000_000)
        return next((e.version for e in events if e.position == position), None)

    def _decode(self, originator_id: UUID, row: Any) -> LoggedEvent:
        stored = StoredEvent(
            originator_id=originator_id,
            originator_version=row.originator_version,
            topic=row.topic,
            state=bytes(row.state),
        )
        domain_event = self.log.decode(stored)
        state = dict(domain_event.__dict__)
        return LoggedEvent(
            position=int(row.position),
            version=row.originator_version,
            type=type(domain_event).__name__,
            recorded_at=domain_event.timestamp,
            actor=dict(state.get("actor") or {}),
            data={k: v for k, v in state.items() if k not in ENVELOPE},
            originator_id=originator_id,
        )
