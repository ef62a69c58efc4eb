"""The small core every command module builds on: the event store and the one command path.

A command goes one way, whoever sends it (API, command line, client, demo): find its handler,
load the aggregate it acts on, authorise the principal for the aggregate's district, check the
version the caller last saw (``If-Match``), run the aggregate's command, save everything it
changed in one transaction, and answer a ``WriteResult`` with the log position.

The aggregate a command changes is first this process's cached copy, read without asking the
database (no replay, no round trip). Another process may have written it since: the save's
version check then refuses the copy, and a refusal may have been judged on it, so in both cases
the command is judged once more on the aggregate as stored. What a command only reads (the
institution a payment is judged against) is always brought up to date from the database.

A caller may have the answer recorded with the events (``acknowledge``): the rows it returns
for the ``WriteResult`` commit in the transaction that inserts the events, or not at all (the
API's Idempotency-Key answers are written so).

Commands on existing aggregates can also be judged together (``Batch``, ``Change.stage``): each
takes the same path up to the save, on the aggregates as the commands before it left them, and
the batch saves what they all changed in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from registry.adapters.with_events import InsertTransaction, RowsWithEvents
from registry.application.results import WriteResult
from registry.application.store import EventStore as EventStore  # re-exported
from registry.domain.clock import today
from registry.domain.commands import Command
from registry.domain.errors import Conflict, Forbidden, NotFound, RegistryError, WriteRace
from registry.domain.principal import Principal
from registry.domain.vocabulary import Actor

# Judgements on the stored record a write may lose to other writers before it answers 409.
RACES = 10

A = TypeVar("A", bound=Aggregate)
C = TypeVar("C", bound=Command)
C_contra = TypeVar("C_contra", bound=Command, contravariant=True)

Roles = tuple[str, ...]

# Given what a write will answer, the rows that record that answer with its events.
Acknowledge = Callable[[WriteResult], RowsWithEvents]


@dataclass
class Context:
    """What a handler may use besides the aggregate it acts on."""

    principal: Principal
    store: EventStore
    today: date
    # Other aggregates the command changes, saved in the same transaction.
    also_save: list[Aggregate] = field(default_factory=list)
    # Values the answer carries besides id, version and position (a new inspection's id).
    extra: dict[str, Any] = field(default_factory=dict)
    # What runs once the save has committed (reactions of the registry to this change).
    after_save: list[Callable[[], None]] = field(default_factory=list)
    authorised: bool = False
    # The batch this command is judged in, if any: loads go through it, the save waits for it.
    batch: Batch | None = None

    @property
    def actor(self) -> Actor:
        return self.principal.as_actor()

    def authorise(self, roles: Roles, district_code: str | None) -> None:
        """Refuse unless the principal has one of ``roles`` for ``district_code``."""
        self.principal.require(roles, district_code)
        self.authorised = True

    def load(self, cls: type[A], aggregate_id: UUID, what: str, *, cached: bool = False) -> A:
        if self.batch is not None:
            return self.batch.load(cls, aggregate_id, what, cached=cached)
        return self.store.load(cls, aggregate_id, what, cached=cached)


class Handler(Protocol[C_contra]):
    """Runs one kind of command for a principal, answering what was written."""

    def __call__(
        self,
        principal: Principal,
        command: C_contra,
        expected_version: int | None,
        acknowledge: Acknowledge | None = None,
    ) -> WriteResult: ...


@dataclass(frozen=True)
class Change(Generic[C, A]):
    """A command on an existing aggregate: the aggregate's class, who may, and what it does."""

    store: EventStore
    aggregate: type[A]
    what: str
    roles: Roles
    run: Callable[[A, C, Context], None]

    def __call__(
        self,
        principal: Principal,
        command: C,
        expected_version: int | None,
        acknowledge: Acknowledge | None = None,
    ) -> WriteResult:
        # First on this process's cached copy, with no read of the database: if that copy was
        # behind, the save's version check refuses it, and a refusal may have been judged on
        # old state, so either way the command is judged again on the aggregate as stored.
        # Then again each time another request saved the record between this one's read and
        # its save: each such loss is another writer's save gone through, so with fewer than
        # RACES writers at once on one record every command is judged, none answered 409.
        for judgement in range(RACES + 1):
            cached = judgement == 0
            ctx = Context(principal, self.store, today())
            try:
                aggregate = self._judge(ctx, command, expected_version, cached=cached)
                result = save(self.store, ctx, aggregate, acknowledge)
            except WriteRace:
                if judgement < RACES:
                    continue
                raise
            except RegistryError:
                if cached:
                    continue
                raise
            return react(ctx, result)
        raise AssertionError("unreachable: the last judgement returns or raises")

    def stage(self, principal: Principal, command: C, batch: Batch) -> Staged:
        """Judge ``command`` in ``batch``, to be saved with the rest of the batch.

        A refused command leaves the aggregate as it was (the domain checks every rule before
        it records an event), so the batch's other commands proceed on it.
        """
        ctx = Context(principal, self.store, today(), batch=batch)
        target: UUID = getattr(command, "target")  # noqa: B009 (every change command has one)
        before = batch.pending(target)
        try:
            aggregate = self._judge(ctx, command, None, cached=batch.cached)
        except Exception:
            if batch.pending(target) != before:
                raise RuntimeError(
                    f"{type(command).__name__} changed {self.what} {target} and then refused"
                ) from None
            raise
        return batch.stage(ctx, aggregate, before)

    def _judge(
        self, ctx: Context, command: C, expected_version: int | None, cached: bool = False
    ) -> A:
        """Load, authorise, check the version, run: everything up to the save."""
        target: UUID = getattr(command, "target")  # noqa: B009 (every change command has one)
        aggregate = ctx.load(self.aggregate, target, self.what, cached=cached)
        ctx.authorise(self.roles, getattr(aggregate, "district_code", None))
        if expected_version is not None and expected_version != aggregate.version:
            raise Conflict(
                f"version {expected_version} is stale; the record is at version {aggregate.version}"
            )
        self.run(aggregate, command, ctx)
        return aggregate


@dataclass(frozen=True)
class Create(Generic[C, A]):
    """A command that creates an aggregate; the handler authorises (it knows the district).

    A save that collides with another writer is run again from the start, ``attempts`` times
    in all (signing a contract extends the institution's roster, which others extend too);
    ``conflict`` words the 409 of the last collision.
    """

    store: EventStore
    run: Callable[[C, Context], A]
    attempts: int = 1
    conflict: Callable[[A], str] | None = None

    def __call__(
        self,
        principal: Principal,
        command: C,
        expected_version: int | None,
        acknowledge: Acknowledge | None = None,
    ) -> WriteResult:
        for attempt in range(1, self.attempts + 1):
            ctx = Context(principal, self.store, today())
            created = self.run(command, ctx)
            try:
                return finish(self.store, ctx, created, acknowledge)
            except WriteRace:
                if attempt < self.attempts:
                    continue
                if self.conflict is None:
                    raise
                raise Conflict(self.conflict(created)) from None
        raise AssertionError("unreachable: the last attempt returns or raises")


def finish(
    store: EventStore, ctx: Context, head: Aggregate, acknowledge: Acknowledge | None = None
) -> WriteResult:
    """Save the command's aggregates together, then run what waits on the commit."""
    return react(ctx, save(store, ctx, head, acknowledge))


def save(
    store: EventStore, ctx: Context, head: Aggregate, acknowledge: Acknowledge | None = None
) -> WriteResult:
    """Save the command's aggregates together (nothing else has happened yet)."""
    if not ctx.authorised:  # every path authorises before it writes; never save unchecked
        raise Forbidden("the command was not authorised")
    if ctx.batch is not None:
        raise TypeError("a command judged in a batch is saved by the batch (Change.stage)")
    with_events = [] if acknowledge is None else [_Answer(head, ctx, acknowledge)]
    return store.save_all(head, *ctx.also_save, with_events=with_events)


def react(ctx: Context, result: WriteResult) -> WriteResult:
    """Run what waits on the commit; the answer."""
    for reaction in ctx.after_save:
        reaction()
    return WriteResult(result.id, result.version, result.position, ctx.extra or None)


@dataclass(frozen=True)
class _Answer:
    """The rows ``acknowledge`` records for the answer, once the batch's position is known."""

    head: Aggregate
    ctx: Context
    acknowledge: Acknowledge

    def write(self, tx: InsertTransaction, positions: Sequence[int]) -> None:
        result = WriteResult(self.head.id, self.head.version, positions[-1], self.ctx.extra or None)
        self.acknowledge(result).write(tx, positions)


@dataclass(frozen=True)
class Staged:
    """A command judged in a batch: the aggregate it changed and the events it will save."""

    id: UUID
    events: tuple[Any, ...]
    extra: dict[str, Any] | None

    @property
    def version(self) -> int:
        version: int = self.events[-1].originator_version
        return version


@dataclass
class Batch:
    """Commands judged one after another and saved together, in one transaction.

    Each aggregate is loaded once; a command acts on it as the commands before it left it.
    ``save`` inserts every staged event at once: the event store's version check refuses the
    whole save if another writer changed one of the aggregates meanwhile (a 409, retried by
    the caller from the start).
    """

    store: EventStore
    # Judge on this process's cached copies of the aggregates the commands act on (see
    # ``EventStore.load``): a batch judged so is judged again if anything was refused.
    cached: bool = False
    loaded: dict[UUID, Aggregate] = field(default_factory=dict)
    changed: dict[UUID, Aggregate] = field(default_factory=dict)
    after_save: list[Callable[[], None]] = field(default_factory=list)

    def load(self, cls: type[A], aggregate_id: UUID, what: str, *, cached: bool = False) -> A:
        aggregate = self.loaded.get(aggregate_id)
        if aggregate is None:
            aggregate = self.store.load(cls, aggregate_id, what, cached=cached)
            self.loaded[aggregate_id] = aggregate
        if not isinstance(aggregate, cls):
            raise NotFound(f"no {what} {aggregate_id}")
        return aggregate

    def pending(self, aggregate_id: UUID) -> int:
        """How many events the batch holds for the aggregate so far."""
        aggregate = self.loaded.get(aggregate_id)
        return 0 if aggregate is None else len(aggregate.pending_events)

    def stage(self, ctx: Context, head: Aggregate, pending_before: int) -> Staged:
        if not ctx.authorised:  # as ``finish``: never save unchecked
            raise Forbidden("the command was not authorised")
        for aggregate in (head, *ctx.also_save):
            self.loaded.setdefault(aggregate.id, aggregate)
            self.changed.setdefault(aggregate.id, aggregate)
        self.after_save.extend(ctx.after_save)
        events = tuple(head.pending_events[pending_before:])
        return Staged(head.id, events, ctx.extra or None)

    def save(self, with_events: Sequence[RowsWithEvents] = ()) -> dict[tuple[UUID, int], int]:
        """Save every staged event in one transaction; the position of each event by its
        aggregate and version (empty when nothing was staged)."""
        aggregates = [a for a in self.changed.values() if a.pending_events]
        if not aggregates:
            return {}
        try:
            recordings = self.store.save(*aggregates, with_events=with_events)
        except IntegrityError:
            raise Conflict(
                "records of this batch were changed by other requests at the same time; "
                "send the batch again"
            ) from None
        self.store.remember(*aggregates)
        for reaction in self.after_save:
            reaction()
        return {
            (r.domain_event.originator_id, r.domain_event.originator_version): r.notification.id
            for r in recordings
        }

    def order(self) -> list[tuple[UUID, int]]:
        """The staged events in the order ``save`` inserts them."""
        return [
            (a.id, e.originator_version) for a in self.changed.values() for e in a.pending_events
        ]
