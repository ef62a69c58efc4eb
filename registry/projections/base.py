"""What a projection is, and the positions table that makes the projector exactly-once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, ClassVar, NamedTuple, NoReturn
from uuid import UUID

from eventsourcing.domain import DomainEvent
from sqlalchemy import BigInteger, Column, Connection, MetaData, Select, String, Table, select

from registry.domain.events import DayReviewed
from registry.projections import bulk

metadata = MetaData()

# One row per projection: how far it has applied the log, and the code version that built it.
projection_positions = Table(
    "projection_positions",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("version", BigInteger, nullable=False),
)


class Fact(NamedTuple):
    """One event of the log as projections see it: where it sits in the log and its stream
    (``key``: the stream's id as text, as the read models keep it), when it was recorded, and
    the typed domain event itself (a class of ``registry.domain.events``). A tuple: made once
    per event of a rebuild, it must cost little."""

    position: int
    originator_id: UUID
    version: int
    recorded_at: datetime
    event: DomainEvent
    key: str

    @property
    def name(self) -> str:
        """The event's class name (``LicenceIssued``), for messages."""
        return type(self.event).__name__


class Projection:
    """A read model: its tables, its version, and how it applies a batch of facts.

    ``apply`` runs inside the projector's transaction; it must not commit. Raising stops the
    projector at that batch with nothing of it applied.
    """

    name: ClassVar[str]
    version: ClassVar[int]
    tables: ClassVar[Sequence[Table]]
    # The event classes this projection reads (the projector decodes only followed events);
    # events of other classes only advance its position.
    follows: ClassVar[tuple[type[DomainEvent], ...]]

    def apply(self, conn: Connection, facts: Sequence[Fact]) -> None:
        raise NotImplementedError


class ProjectionFailed(RuntimeError):
    """A projection could not apply an event: the projector stops there, loudly."""

    def __init__(self, projection: str, fact: Fact | None, cause: BaseException) -> None:
        where = (
            f"event {fact.name} at position {fact.position} (stream {fact.originator_id})"
            if fact
            else "a batch"
        )
        super().__init__(f"projection {projection!r} failed on {where}: {cause!r}")
        self.projection = projection
        self.fact = fact


# Rows a day's review holds in memory at a time (``BatchProjection.review_chunk``); a row of
# the register with its dated decisions takes about 12 KiB in memory.
REVIEW_CHUNK = 2000


class BatchProjection(Projection):
    """A projection that loads the rows a batch touches, applies facts in memory, writes back.

    Subclasses implement ``load`` (read what the batch needs), ``handle`` (one fact, in memory,
    no I/O) and ``flush`` (write the changed rows). One round trip per batch, not per event.

    A projection whose ``DayReviewed`` refreshes every row whose standing changes by that day
    sets ``review_chunk`` and implements ``load_due``: each day's review is then applied on
    its own, ``review_chunk`` of those rows at a time, so the rows held in memory stay few
    however many fall due at once (after a month without reviews, most of the register). The
    facts before and after it are applied as batches of their own, as the projector's windows
    could have cut them anyway.
    """

    review_chunk: ClassVar[int] = 0  # 0: a review is loaded with its batch, as any fact

    def apply(self, conn: Connection, facts: Sequence[Fact]) -> None:
        followed = frozenset(self.follows)
        wanted = [f for f in facts if type(f.event) in followed]
        if not self.review_chunk:
            self._apply(conn, wanted)
            return
        run: list[Fact] = []
        reviewed = False
        for fact in wanted:
            if isinstance(fact.event, DayReviewed):
                self._apply(conn, run, reviewed)
                run, reviewed = [], True
                self._review(conn, fact, date.fromisoformat(fact.event.on))
            else:
                run.append(fact)
        self._apply(conn, run, reviewed)

    def _apply(self, conn: Connection, facts: Sequence[Fact], after_review: bool = False) -> None:
        if not facts:
            return
        if after_review:  # the rows the review wrote are read again
            bulk.send_held(conn)
        self.load(conn, facts)
        for fact in facts:
            self._handle(fact)
        self.flush(conn)

    def _review(self, conn: Connection, fact: Fact, day: date) -> None:
        after: str | None = None
        while True:
            bulk.send_held(conn)  # the rows written before, read again by ``load_due``
            after = self.load_due(conn, day, after, self.review_chunk)
            self._handle(fact)
            self.flush(conn)
            if after is None:
                return

    def _handle(self, fact: Fact) -> None:
        try:
            self.handle(fact)
        except Exception as e:
            raise ProjectionFailed(self.name, fact, e) from e

    def load(self, conn: Connection, facts: Sequence[Fact]) -> None:
        raise NotImplementedError

    def load_due(self, conn: Connection, day: date, after: str | None, limit: int) -> str | None:
        """Load, as ``load`` would for a review alone, the first ``limit`` rows (by id, after
        ``after``) whose standing may change by ``day``; the last id loaded when there were
        ``limit`` (more may follow), else ``None``."""
        raise NotImplementedError

    def handle(self, fact: Fact) -> None:
        raise NotImplementedError

    def flush(self, conn: Connection) -> None:
        raise NotImplementedError


def due_rows(table: Table, day: date, after: str | None, limit: int) -> Select[Any]:
    """The first ``limit`` rows of ``table`` by ``id`` (after ``after``) whose standing may
    change by ``day`` (``next_change_on``): a chunk of a day's review."""
    query = select(table).where(table.c.next_change_on <= day)
    if after is not None:
        query = query.where(table.c.id > after)
    return query.order_by(table.c.id).limit(limit)


def not_followed(projection: Projection, fact: Fact) -> NoReturn:
    """A handler was given an event its projection does not follow: a bug, said loudly."""
    raise TypeError(f"projection {projection.name!r} does not follow {fact.name}")


def upsert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows, replacing those whose primary key exists (one statement, both dialects)."""
    bulk.upsert(conn, table, rows)
