"""Reading one aggregate's stored events together with their notification positions.

The library's repository rebuilds aggregates but does not say where each event sits in the
notification log; the API and the case file need both, so this reads the event table directly
and decodes each row with the application's own mapper.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent
from sqlalchemy import Engine, text

from registry.settings import Settings

ENVELOPE = {"originator_id", "originator_version", "timestamp", "originator_topic", "actor"}


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
    def __init__(self, app: Application[UUID], engine: Engine, settings: Settings) -> None:
        self.app = app
        self.engine = engine
        if settings.backend == "sqlite":
            self.sql = text(
                "SELECT rowid AS position, originator_id, originator_version, topic, state "
                "FROM stored_events WHERE originator_id = :id AND originator_version > :after "
                "ORDER BY originator_version LIMIT :limit"
            )
            self.id_param = lambda u: u.hex
        else:
            table = f"{app.name.lower()}_events"
            self.sql = text(
                "SELECT notification_id AS position, originator_id, originator_version, topic, "
                f"state FROM {table} WHERE originator_id = :id AND originator_version > :after "
                "ORDER BY originator_version LIMIT :limit"
            )
            self.id_param = lambda u: u

    def events(
        self, originator_id: UUID, after_version: int = 0, limit: int = 1000
    ) -> list[LoggedEvent]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                self.sql,
                {"id": self.id_param(originator_id), "after": after_version, "limit": limit},
            ).all()
        return [self._decode(originator_id, row) for row in rows]

    def _decode(self, originator_id: UUID, row: Any) -> LoggedEvent:
        stored = StoredEvent(
            originator_id=originator_id,
            originator_version=row.originator_version,
            topic=row.topic,
            state=bytes(row.state),
        )
        domain_event = self.app.mapper.to_domain_event(stored)
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
