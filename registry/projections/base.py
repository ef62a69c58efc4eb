"""What a projection is, and the positions table that makes the projector exactly-once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar, NamedTuple, NoReturn
from uuid import UUID

from eventsourcing.domain import DomainEvent
from sqlalchemy import BigInteger, Column, Connection, MetaData, String, Table

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


class BatchProjection(Projection):
    """A projection that loads the rows a batch touches, applies facts in memory, writes back.

    Subclasses implement ``load`` (read what the batch needs), ``handle`` (one fact, in memory,
    no I/O) and ``flush`` (write the changed rows). One round trip per batch, not per event.
    """

    def apply(self, conn: Connection, facts: Sequence[Fact]) -> None:
        followed = frozenset(self.follows)
        wanted = [f for f in facts if type(f.event) in followed]
        if not wanted:
            return
        self.load(conn, wanted)
        for fact in wanted:
            try:
                self.handle(fact)
            except Exception as e:
                raise ProjectionFailed(self.name, fact, e) from e
        self.flush(conn)

    def load(self, conn: Connection, facts: Sequence[Fact]) -> None:
        raise NotImplementedError

    def handle(self, fact: Fact) -> None:
        raise NotImplementedError

    def flush(self, conn: Connection) -> None:
        raise NotImplementedError


def not_followed(projection: Projection, fact: Fact) -> NoReturn:
    """A handler was given an event its projection does not follow: a bug, said loudly."""
    raise TypeError(f"projection {projection.name!r} does not follow {fact.name}")


def upsert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows, replacing those whose primary key exists (one statement, both dialects)."""
    bulk.upsert(conn, table, rows)
