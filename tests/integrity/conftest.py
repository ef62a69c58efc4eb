"""A log of a few hundred events, and SQL that tampers with it as an intruder with database
access would: behind the registry's back, on the event table itself."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from registry.bootstrap import Services
from registry.demo.generate import generate


class Intruder:
    """Changes the event table of one database directly, by SQL."""

    def __init__(self, services: Services) -> None:
        self.engine = services.engine
        if services.settings.backend == "sqlite":
            self.table, self.position = "stored_events", "rowid"
        else:
            self.table, self.position = "registry_events", "notification_id"

    def _one(self, position: int) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(
                text(f"SELECT * FROM {self.table} WHERE {self.position} = :p"), {"p": position}
            ).one()

    def change_payload(self, position: int) -> None:
        row = self._one(position)
        state = bytes(row.state).replace(b"}", b', "amount_fen": 10000000}', 1)
        with self.engine.begin() as conn:
            conn.execute(
                text(f"UPDATE {self.table} SET state = :s WHERE {self.position} = :p"),
                {"s": state, "p": position},
            )

    def delete(self, position: int, with_chain_row: bool = False) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                text(f"DELETE FROM {self.table} WHERE {self.position} = :p"), {"p": position}
            )
            if with_chain_row:
                conn.execute(
                    text("DELETE FROM registry_event_chain WHERE position = :p"), {"p": position}
                )

    def insert_copy_of(self, position: int) -> int:
        """A copy of an event's row under a new version of its stream; answers its position."""
        row = self._one(position)
        with self.engine.begin() as conn:
            conn.execute(
                text(
                    f"INSERT INTO {self.table} (originator_id, originator_version, topic, state) "
                    "VALUES (:id, :v, :t, :s)"
                ),
                {"id": row.originator_id, "v": 10_000, "t": row.topic, "s": bytes(row.state)},
            )
            return int(
                conn.execute(text(f"SELECT MAX({self.position}) FROM {self.table}")).scalar_one()
            )

    def rewrite_chain_from(self, position: int) -> None:
        """Recompute every chain row from ``position`` on, as the registry would have."""
        from registry.adapters.chain_log import chain_head, events

        with self.engine.begin() as conn:
            before = chain_head(conn, at_or_below=position - 1)
            previous = before[1] if before else bytes(32)
            for row in list(events(conn, after=position - 1)):
                previous = row.link(previous)
                conn.execute(
                    text("UPDATE registry_event_chain SET hash = :h WHERE position = :p"),
                    {"h": previous, "p": row.position},
                )


@pytest.fixture
def logged(services: Services) -> Services:
    """Services over a log of about 300 events written in several transactions."""
    generate(services.registry, 300, batch_events=40)
    return services


@pytest.fixture
def intruder(logged: Services) -> Intruder:
    return Intruder(logged)
