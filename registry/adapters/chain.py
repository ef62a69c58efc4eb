"""The hash chain over the event log: every event's SHA-256 over the one before it.

Each stored event, in the transaction that inserts it, gets a row in ``registry_event_chain``:

    hash(P) = SHA-256( hash(previous event in log order)            32 bytes
                       || "{P}\\n{originator id}\\n{version}\\n{topic}\\n"   UTF-8
                       || state )                                     the stored bytes

The first event's previous hash is 32 zero bytes; the originator id is the canonical UUID text
(``8-4-4-4-12`` lower-case hex). Changing, deleting or inserting one event changes every hash
after it, so a chain head signed in a checkpoint (``checkpoints.py``) fixes the whole log up
to it. Writers cannot fork the chain: on PostgreSQL the recorder holds the library's
``LOCK TABLE ... IN EXCLUSIVE MODE`` on the event table for the whole insert, and a SQLite file
has one writer at a time; the previous hash is read after the events are inserted, under that
lock, in the same transaction.

``ChainStep`` is one step of the recorders' insert transaction (see ``recorders.py``); it
writes with the recorder's own cursor, so the chain row commits or rolls back with the event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import PersistenceError, StoredEvent

CHAIN_TABLE = "registry_event_chain"
GENESIS = bytes(32)


def link(
    previous: bytes,
    position: int,
    originator_id: UUID | str,
    version: int,
    topic: str,
    state: bytes,
) -> bytes:
    """The chain hash of one event, given the hash of the event before it."""
    head = f"{position}\n{canonical_id(originator_id)}\n{version}\n{topic}\n".encode()
    return hashlib.sha256(previous + head + bytes(state)).digest()


def canonical_id(originator_id: UUID | str) -> str:
    if isinstance(originator_id, UUID):
        return str(originator_id)
    try:
        return str(UUID(originator_id))
    except ValueError:
        return originator_id


class ChainCursor(Protocol):
    """The part of a DB-API cursor the chain step uses (SQLite's and psycopg's both have it)."""

    def execute(self, *args: Any, **kwargs: Any) -> Any: ...

    def executemany(self, *args: Any, **kwargs: Any) -> Any: ...

    def fetchone(self) -> Any: ...


class ChainBroken(PersistenceError):
    """The log was cut below its chain head: new events cannot be chained onto it."""


class ChainStep:
    """Writes the chain rows of a batch of events inside the recorder's insert transaction.

    ``placeholder`` is the driver's parameter marker (``?`` for sqlite3, ``%s`` for psycopg),
    ``table`` the chain table's name as the SQL should spell it (schema-qualified on PostgreSQL),
    ``events_table`` and ``position_column`` where the events and their positions are.
    ``arrays``: the rows go as two arrays (positions, hashes) in one ``INSERT ... SELECT FROM
    unnest`` (PostgreSQL, binary); otherwise one row at a time through ``executemany``.
    """

    def __init__(
        self,
        *,
        placeholder: str,
        table: str,
        events_table: str,
        position_column: str,
        column_types: tuple[str, str],
        arrays: bool = False,
    ) -> None:
        p = placeholder
        self.arrays = arrays
        self.create_table = (
            f"CREATE TABLE IF NOT EXISTS {table} "
            f"(position {column_types[0]} PRIMARY KEY, hash {column_types[1]} NOT NULL)"
        )
        self.select_head = f"SELECT position, hash FROM {table} ORDER BY position DESC LIMIT 1"
        self.select_earlier_event = (
            f"SELECT 1 AS earlier FROM {events_table} WHERE {position_column} < {p} LIMIT 1"
        )
        self.insert = f"INSERT INTO {table} (position, hash) VALUES ({p}, {p})"
        self.insert_arrays = (
            f"INSERT INTO {table} (position, hash) SELECT * FROM unnest(%b::bigint[], %b::bytea[])"
        )

    def __call__(
        self, cursor: ChainCursor, stored_events: Sequence[StoredEvent], positions: Sequence[int]
    ) -> None:
        if not positions:
            return
        cursor.execute(self.select_head)
        self.write(cursor, stored_events, positions, cursor.fetchone())

    def write(
        self,
        cursor: ChainCursor,
        stored_events: Sequence[StoredEvent],
        positions: Sequence[int],
        head: Any,
    ) -> None:
        """Write the chain rows of the events at ``positions``, given the chain's ``head`` row
        (``select_head``'s, read under the same lock after the events were inserted: a
        recorder may send it with the insert, in one round trip)."""
        if not positions:
            return
        if len(positions) != len(stored_events):
            raise ChainBroken(f"{len(stored_events)} events inserted, {len(positions)} positions")
        first = min(positions)
        if head is None:
            # An empty chain: a new log starts it; a log written before it is chained once by
            # ``registry chain init`` (until then its new events stay unchained too).
            cursor.execute(self.select_earlier_event, (first,))
            if cursor.fetchone() is not None:
                return
            previous = GENESIS
        else:
            head_position, previous = int(head["position"]), bytes(head["hash"])
            if head_position >= first:
                raise ChainBroken(
                    f"the event log was cut below its chain head (position {head_position}); "
                    "run `registry verify`"
                )
        ordered: list[int] = []
        hashes: list[bytes] = []
        for position, event in sorted(zip(positions, stored_events, strict=True)):
            previous = link(
                previous,
                position,
                event.originator_id,
                event.originator_version,
                event.topic,
                event.state,
            )
            ordered.append(position)
            hashes.append(previous)
        if self.arrays:
            cursor.execute(self.insert_arrays, (ordered, hashes))
        else:
            cursor.executemany(self.insert, list(zip(ordered, hashes, strict=True)))
