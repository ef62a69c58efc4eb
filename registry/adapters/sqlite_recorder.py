"""The event store's SQLite recorder: the library's, plus the registry's steps in each insert.

``SQLiteApplicationRecorder`` inserts a batch of events in one transaction (one writer at a
time per file). This subclass runs the registry's insert steps (the hash chain,
``chain.py``) in that same transaction, after the events, with the same cursor, and then
writes the rows the save asked to commit with its events (``with_events.py``: an
Idempotency-Key's answer): a step that fails rolls the events back too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore

from registry.adapters.chain import CHAIN_TABLE, ChainStep
from registry.adapters.with_events import InsertTransaction, write_all

# A step of the insert transaction: (cursor, the events, their positions).
InsertStep = Callable[[Any, Sequence[StoredEvent], Sequence[int]], None]
# Ids named in one ``IN (...)``, well under SQLite's limit of bound parameters.
IDS_PER_SELECT = 500


class RegistrySQLiteRecorder(SQLiteApplicationRecorder):
    """``SQLiteApplicationRecorder`` that also runs ``insert_steps`` in the insert transaction."""

    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"):
        self.chain = ChainStep(
            placeholder="?",
            table=CHAIN_TABLE,
            events_table=events_table_name,
            position_column="rowid",
            column_types=("INTEGER", "BLOB"),
        )
        self.insert_steps: list[InsertStep] = [self.chain]
        super().__init__(datastore, events_table_name)

    def select_events_of(self, originator_ids: Sequence[UUID]) -> list[StoredEvent]:
        """Every event of these aggregates, each one's in version order, a query per 500."""
        found: list[StoredEvent] = []
        ids = [i.hex for i in originator_ids]
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(ids), IDS_PER_SELECT):
                chunk = ids[start : start + IDS_PER_SELECT]
                c.execute(
                    "SELECT originator_id, originator_version, topic, state "
                    f"FROM {self.events_table_name} WHERE originator_id IN "
                    f"({', '.join('?' * len(chunk))}) ORDER BY originator_id, originator_version",
                    chunk,
                )
                found.extend(
                    StoredEvent(
                        originator_id=self.convert_originator_id(row["originator_id"]),
                        originator_version=row["originator_version"],
                        topic=row["topic"],
                        state=row["state"],
                    )
                    for row in c.fetchall()
                )
        return found

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), self.chain.create_table]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._insert_events(c, stored_events, **kwargs) or []
        for step in self.insert_steps:
            step(c, stored_events, positions)
        if positions:
            write_all(InsertTransaction("sqlite", c), positions, kwargs)
        return positions
