"""Reading the event log and its hash chain in log order, and chaining a log written before.

The verifier (``verification.py``) and ``registry chain init`` read the event table and the
chain table directly, in batches by position, through SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Connection, Engine, text

from registry.adapters.chain import CHAIN_TABLE, GENESIS, link
from registry.adapters.eventlog import POSTGRES_EVENTS_TABLE

BATCH = 5000


@dataclass(frozen=True)
class Row:
    """One stored event with its position."""

    position: int
    originator_id: UUID | str
    version: int
    topic: str
    state: bytes

    def link(self, previous: bytes) -> bytes:
        return link(
            previous, self.position, self.originator_id, self.version, self.topic, self.state
        )


def events_source(engine: Engine) -> tuple[str, str]:
    """The event table and its position column on this engine's database."""
    if engine.dialect.name == "postgresql":
        return POSTGRES_EVENTS_TABLE, "notification_id"
    return "stored_events", "rowid"


def events(conn: Connection, after: int = 0, until: int | None = None) -> Iterator[Row]:
    """Every stored event after position ``after`` (up to ``until``), in log order."""
    table, column = events_source(conn.engine)
    bound = f"AND {column} <= :until " if until is not None else ""
    sql = text(
        f"SELECT {column} AS position, originator_id, originator_version, topic, state "
        f"FROM {table} WHERE {column} > :after {bound}ORDER BY {column} LIMIT :limit"
    )
    while True:
        rows = conn.execute(sql, {"after": after, "until": until, "limit": BATCH}).all()
        for row in rows:
            yield Row(
                int(row.position), row.originator_id, row.originator_version, row.topic,
                bytes(row.state),
            )  # fmt: skip
        if len(rows) < BATCH:
            return
        after = int(rows[-1].position)


def links(conn: Connection, after: int = 0) -> Iterator[tuple[int, bytes]]:
    """Every chain row after position ``after``: (position, hash), in log order."""
    sql = text(
        f"SELECT position, hash FROM {CHAIN_TABLE} WHERE position > :after "
        "ORDER BY position LIMIT :limit"
    )
    while True:
        rows = conn.execute(sql, {"after": after, "limit": BATCH}).all()
        for row in rows:
            yield int(row.position), bytes(row.hash)
        if len(rows) < BATCH:
            return
        after = int(rows[-1].position)


def chain_head(conn: Connection, at_or_below: int | None = None) -> tuple[int, bytes] | None:
    """The last chain row (at or below a position, if given)."""
    where = "WHERE position <= :at " if at_or_below is not None else ""
    row = conn.execute(
        text(f"SELECT position, hash FROM {CHAIN_TABLE} {where}ORDER BY position DESC LIMIT 1"),
        {"at": at_or_below},
    ).first()
    return None if row is None else (int(row.position), bytes(row.hash))


def chain_hash_at(engine: Engine, position: int) -> bytes | None:
    with engine.connect() as conn:
        row = conn.execute(
            text(f"SELECT hash FROM {CHAIN_TABLE} WHERE position = :p"), {"p": position}
        ).first()
    return None if row is None else bytes(row.hash)


def init_chain(engine: Engine) -> tuple[int, int]:
    """Chain a log written before the chain existed, once: answers (events chained, head).

    Runs under the writers' lock (PostgreSQL's exclusive lock on the event table, SQLite's
    write lock), so no event is inserted meanwhile. A log already chained is left as it is
    (0 chained, its head).
    """
    table, _ = events_source(engine)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.begin()
            conn.execute(text(f"LOCK TABLE {table} IN EXCLUSIVE MODE"))
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        head = chain_head(conn)
        if head is not None:
            conn.rollback()
            return 0, head[0]
        previous, position, count = GENESIS, 0, 0
        insert = text(f"INSERT INTO {CHAIN_TABLE} (position, hash) VALUES (:p, :h)")
        batch: list[dict[str, object]] = []
        for row in events(conn):
            previous, position = row.link(previous), row.position
            batch.append({"p": position, "h": previous})
            count += 1
            if len(batch) >= BATCH:
                conn.execute(insert, batch)
                batch = []
        if batch:
            conn.execute(insert, batch)
        conn.commit()
    return count, position
