"""Rows that commit in the same database transaction as a batch of events.

The registry's recorders (``sqlite_recorder.py``, ``pg_recorder.py``) insert a batch of events
and then hand the open transaction to every ``RowsWithEvents`` the save was given
(``EventStore.save(..., with_events=[...])``), with the positions the batch received. What
they write commits with the events or not at all; raising refuses the whole batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol


@dataclass(frozen=True)
class InsertTransaction:
    """The event insert's open transaction, in the terms of either database.

    Statements are written with ``?`` placeholders; ``table`` names one of the registry's own
    tables (on PostgreSQL, in the registry's schema).
    """

    dialect: Literal["sqlite", "postgresql"]
    cursor: Any
    schema: str | None = None

    def table(self, name: str) -> str:
        if self.schema is None:
            return f'"{name}"'
        return f'"{self.schema}"."{name}"'

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        """Run one statement in the transaction."""
        if self.dialect == "postgresql":
            statement = statement.replace("?", "%s")
        self.cursor.execute(statement, tuple(params))

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[Any]:
        """Run one statement that returns rows (``SELECT``, ``... RETURNING``); its rows."""
        if self.dialect == "postgresql":
            # A cursor of its own, on the same connection and transaction: after a long
            # ``executemany`` (the chain rows of a large batch) psycopg's fetch on the insert's
            # cursor may still see the last INSERT's result instead of this statement's.
            with self.cursor.connection.cursor() as cursor:
                cursor.execute(statement.replace("?", "%s"), tuple(params))
                return list(cursor.fetchall())
        self.execute(statement, params)
        return list(self.cursor.fetchall())


class RowsWithEvents(Protocol):
    """Writes rows in the transaction that inserts events at ``positions``."""

    def write(self, tx: InsertTransaction, positions: Sequence[int]) -> None: ...


def write_all(tx: InsertTransaction, positions: Sequence[int], kwargs: dict[str, Any]) -> None:
    """Run every ``with_events`` writer a save was given."""
    writers: Sequence[RowsWithEvents] = kwargs.get("with_events") or ()
    for writer in writers:
        writer.write(tx, positions)
