"""The projector: follows the notification log in batches, exactly once, for every projection.

For each projection it reads the events after the projection's recorded position, applies them
to the view tables and moves the position forward **in the same transaction**. A crash
mid-batch rolls the whole batch back; the next run starts again at the recorded position, so
no event is applied twice and none is skipped. The position update is compare-and-set, so two
projector processes cannot both apply one batch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from eventsourcing.utils import get_topic
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.schema import CreateTable

from registry.adapters.eventlog import LogReader
from registry.projections.base import (
    Fact,
    Projection,
    ProjectionFailed,
    metadata,
    projection_positions,
)
from registry.projections.bulk import together

log = logging.getLogger("registry.projector")

# The names of the indexes in the database's schema, by dialect.
INDEX_NAMES = {
    "postgresql": "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()",
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'index'",
}


class Projector:
    def __init__(
        self,
        log_reader: LogReader,
        engine: Engine,
        projections: Sequence[Projection],
        batch_size: int = 5000,
    ) -> None:
        self.log = log_reader
        self.engine = engine
        self.projections = {p.name: p for p in projections}
        self.batch_size = batch_size
        # The stored topics of the event classes some projection follows: only those are decoded.
        self.topics = frozenset(get_topic(cls) for p in projections for cls in p.follows)
        self.topic_list = sorted(self.topics)
        self._lock = threading.Lock()

    # -- set-up and versions -----------------------------------------------------------------

    def setup(self) -> list[str]:
        """Create missing tables; reset every projection whose code version changed.

        Answers the names of the projections that will rebuild from the start of the log.
        """
        metadata.create_all(self.engine)
        self._create_indexes(list(self.projections.values()))
        stored = self._stored()
        reset = []
        for p in self.projections.values():
            if p.name not in stored:
                self._reset(p)
            elif stored[p.name][1] != p.version:
                log.warning(
                    "projection %s changed from version %s to %s: rebuilding",
                    p.name,
                    stored[p.name][1],
                    p.version,
                )
                self._reset(p)
                reset.append(p.name)
        return reset

    def _stored(self) -> dict[str, tuple[int, int]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(projection_positions)).all()
        return {r.name: (r.position, r.version) for r in rows}

    def _reset(self, projection: Projection, indexes: bool = True) -> None:
        """Empty the projection's tables and start it again from the beginning of the log;
        without their secondary indexes if not ``indexes`` (``_create_indexes`` adds them)."""
        with self.engine.begin() as conn:
            for table in reversed(projection.tables):
                table.drop(conn, checkfirst=True)
            for table in projection.tables:
                if indexes:
                    table.create(conn)
                else:
                    conn.execute(CreateTable(table))
            conn.execute(
                projection_positions.delete().where(projection_positions.c.name == projection.name)
            )
            conn.execute(
                insert(projection_positions).values(
                    name=projection.name, position=0, version=projection.version
                )
            )

    def rebuild(
        self, name: str | None = None, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Drop and replay one projection (or all); answers the events read.

        The tables are replayed without their secondary indexes, which are built once the log
        is applied: one build costs less than keeping them up to date row by row. A rebuild
        stopped before its end gets them when a projector next starts (``setup``)."""
        chosen = [self.projections[name]] if name else list(self.projections.values())
        with self._lock:
            for p in chosen:
                self._reset(p, indexes=False)
            read = self._catch_up(progress)
            self._create_indexes(chosen)
            return read

    def _create_indexes(self, projections: Sequence[Projection]) -> None:
        """Create the secondary indexes the projections' tables declare and lack."""
        with self.engine.begin() as conn:
            found = set(conn.exec_driver_sql(INDEX_NAMES[conn.dialect.name]).scalars())
            for p in projections:
                for table in p.tables:
                    for index in table.indexes:
                        if index.name not in found:
                            index.create(conn)

    # -- running -----------------------------------------------------------------------------

    def positions(self) -> dict[str, int]:
        return {name: pos for name, (pos, _) in self._stored().items() if name in self.projections}

    def run_once(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Apply every event not yet applied; answers how many events were read.

        ``progress`` is told the position reached and the head after every batch."""
        with self._lock:
            return self._catch_up(progress)

    def _catch_up(self, progress: Callable[[int, int], None] | None) -> int:
        """Apply the log up to its head, a window of ``batch_size`` positions at a time.

        Only the events of the topics some projection follows are read; the window's end is
        the position every projection moves to, whether or not it held events for them. While
        one window is applied, the next is read and decoded in a thread (the apply spends much
        of its time waiting on the database)."""
        total = 0
        head = self.log.head()
        ahead: tuple[int, int, Future[list[Fact]]] | None = None
        with ThreadPoolExecutor(1, thread_name_prefix="projector-read") as reader:
            while True:
                positions = self.positions()
                start = min(positions.values(), default=head)
                if start >= head:
                    head = self.log.head()
                    if start >= head:
                        return total
                last = min(start + self.batch_size, head)
                if ahead is not None and ahead[:2] == (start, last):
                    facts = ahead[2].result()
                else:
                    facts = self._window(start, last)
                following = min(last + self.batch_size, head)
                ahead = None
                if following > last:
                    ahead = (last, following, reader.submit(self._window, last, following))
                self._apply(positions, last, facts)
                total += last - start
                if progress:
                    progress(last, head)

    def _window(self, start: int, last: int) -> list[Fact]:
        """The facts of the followed topics after ``start`` up to ``last``."""
        return [Fact._make(d) for d in self.log.read_events(start, last, self.topic_list)]

    def _apply(self, positions: dict[str, int], last: int, facts: list[Fact]) -> None:
        """Apply one batch to every projection behind ``last``, in one transaction.

        The positions move first, compare-and-set: that takes their row locks (SQLite: the
        write lock, at ``BEGIN IMMEDIATE``), so a second projector on the same batch waits
        there and then finds them moved, and gives up before it applies anything. View rows
        and positions commit together, or not at all.
        """
        behind = {name: start for name, start in positions.items() if last > start}
        if not behind:
            return
        current: tuple[str, Fact | None] = (next(iter(behind)), facts[0] if facts else None)
        try:
            with self.engine.begin() as conn:
                if conn.dialect.name == "sqlite":
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                # One statement for the projections at the same start (usually all of them).
                for start in sorted(set(behind.values())):
                    names = sorted(n for n, s in behind.items() if s == start)
                    moved = conn.execute(
                        update(projection_positions)
                        .where(
                            projection_positions.c.name.in_(names),
                            projection_positions.c.position == start,
                        )
                        .values(position=last)
                    ).rowcount
                    if moved != len(names):
                        raise ConcurrentProjector(", ".join(names), start)
                with together(conn):
                    for name, start in behind.items():
                        todo = (
                            facts
                            if not facts or facts[0].position > start
                            else [f for f in facts if f.position > start]
                        )
                        current = (name, todo[0] if todo else None)
                        self.projections[name].apply(conn, todo)
                    # The rows are written when the block ends, for every projection at once.
                    current = (", ".join(behind), None)
        except (ProjectionFailed, ConcurrentProjector):
            raise
        except Exception as e:
            raise ProjectionFailed(current[0], current[1], e) from e

    def wait_for(self, position: int, timeout: float) -> bool:
        """Block until every projection has applied ``position`` (or ``timeout`` passes)."""
        deadline = time.monotonic() + timeout
        while True:
            if min(self.positions().values(), default=0) >= position:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)


class ConcurrentProjector(RuntimeError):
    """Another projector process moved this projection first; this batch is rolled back."""

    def __init__(self, name: str, position: int) -> None:
        super().__init__(f"projection {name!r} moved past {position} in another process")
