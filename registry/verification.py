"""``registry verify``: the hash chain and checkpoints, and optionally the read models.

The chain part is ``adapters/verification.py``. With ``views``, every read model is replayed
from the log into a scratch copy (a temporary SQLite file, or a temporary PostgreSQL schema)
up to the position the live read model stands at, and the two are compared table by table in
primary-key order; the first row that differs is named.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Notification, StoredEvent
from sqlalchemy import Connection, Engine, Table, select, text

from registry.adapters.eventlog import LogReader
from registry.adapters.store import create_db_engine
from registry.adapters.transcoder import Decoded
from registry.adapters.verification import ChainReport, verify_chain
from registry.bootstrap import Services, all_projections
from registry.projections.projector import Projector
from registry.settings import Settings


@dataclass(frozen=True)
class Verification:
    chain: ChainReport
    views_checked: int | None = None
    views_problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.chain.ok and self.views_problem is None

    def lines(self) -> list[str]:
        out = [self.chain.line()]
        if self.views_problem is not None:
            out.append(f"FAILED read models: {self.views_problem}")
        elif self.views_checked is not None:
            out.append(f"{self.views_checked} read model rows match a replay of the log")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events": self.chain.events,
            "last_position": self.chain.last_position,
            "last_checkpoint": self.chain.last_checkpoint,
            "bad_position": self.chain.bad_position,
            "problem": self.chain.problem,
            "views_checked": self.views_checked,
            "views_problem": self.views_problem,
            "summary": " / ".join(self.lines()),
        }


def verify(services: Services, start: int = 1, views: bool = False) -> Verification:
    checkpoints = services.checkpoints
    key_id = checkpoints.key.key_id if Path(checkpoints.key_path).exists() else None
    chain = verify_chain(services.engine, checkpoints.all(), key_id, start)
    if not views:
        return Verification(chain)
    checked, problem = verify_views(services)
    return Verification(chain, checked, problem)


class CappedLog:
    """The log as it stood at ``cap``: a follower never reads past it."""

    def __init__(self, log: LogReader, cap: int) -> None:
        self.log, self.cap = log, cap

    def head(self) -> int:
        return min(self.log.head(), self.cap)

    def read(
        self, start: int, limit: int, topics: Sequence[str] = (), stop: int | None = None
    ) -> Sequence[Notification]:
        stop = self.cap if stop is None else min(stop, self.cap)
        return self.log.read(start, limit, topics, stop)

    def decode(self, notification: StoredEvent) -> DomainEvent:
        return self.log.decode(notification)

    def read_events(self, start: int, stop: int, topics: Sequence[str] = ()) -> list[Decoded]:
        return self.log.read_events(start, min(stop, self.cap), topics)


def verify_views(services: Services) -> tuple[int, str | None]:
    """Replay every read model into a scratch copy; (rows compared, first difference)."""
    engine = services.engine
    with _snapshot(engine) as live, _scratch(services.settings) as scratch:
        positions: dict[str, int] = {
            str(name): int(position)
            for name, position in live.execute(
                text("SELECT name, position FROM projection_positions")
            ).all()
        }
        projections = all_projections()
        for projection in projections:
            capped = CappedLog(services.registry.store, positions.get(projection.name, 0))
            replay = Projector(capped, scratch, [projection])
            replay.setup()
            replay.run_once()
        compared = 0
        with scratch.connect() as copy:
            for projection in projections:
                for table in projection.tables:
                    count, problem = _compare(table, live, copy)
                    compared += count
                    if problem is not None:
                        return compared, f"{projection.name}: {problem}"
    return compared, None


def _rows(conn: Connection, table: Table) -> Iterator[tuple[Any, ...]]:
    keys = list(table.primary_key.columns) or list(table.columns)
    for row in conn.execute(select(table).order_by(*keys)):
        yield tuple(row)


def _compare(table: Table, live: Connection, copy: Connection) -> tuple[int, str | None]:
    names = [c.name for c in table.columns]
    key_at = [names.index(c.name) for c in table.primary_key.columns] or list(range(len(names)))
    count = 0
    rows_live, rows_copy = _rows(live, table), _rows(copy, table)
    while True:
        a, b = next(rows_live, None), next(rows_copy, None)
        if a is None and b is None:
            return count, None
        count += 1
        if a is None or b is None:
            row = a if a is not None else b
            assert row is not None
            key = {names[i]: row[i] for i in key_at}
            where = "only in the tables" if b is None else "missing from the tables"
            return count, f"table {table.name}, row {key}: {where} (the replay differs)"
        if a != b:
            key = {names[i]: a[i] for i in key_at}
            differs = [n for n, x, y in zip(names, a, b, strict=True) if x != y]
            detail = ", ".join(
                f"{n}: {a[names.index(n)]!r} ≠ {b[names.index(n)]!r}" for n in differs
            )
            return count, f"table {table.name}, row {key}: {detail} (tables ≠ replay)"


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One consistent read of the live tables (REPEATABLE READ; a SQLite read transaction)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            with conn.begin():
                yield conn
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN")
        try:
            yield conn
        finally:
            conn.rollback()


@contextmanager
def _scratch(settings: Settings) -> Iterator[Engine]:
    """An empty database for the replay, removed afterwards."""
    if settings.backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="registry-verify-") as folder:
            engine = create_db_engine(
                Settings(database_url=f"sqlite:///{Path(folder) / 'replay.db'}")
            )
            try:
                yield engine
            finally:
                engine.dispose()
        return
    schema = f"verify_{uuid.uuid4().hex[:12]}"
    scratch = settings.model_copy(update={"database_schema": schema})
    engine = create_db_engine(scratch)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        yield engine
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        engine.dispose()
