"""A feed's batch: many facts about contracts, each judged as its single report is.

Banks and teaching platforms report payments, lessons, releases and refunds by the thousand.
A batch runs every fact through its command's own handler (``Change.stage``: the same loading,
authorisation and domain rules as ``Registry.execute``), on the contracts as the facts before
it in the batch left them. A fact that is refused records nothing and the rest proceed; what
is recorded is saved in one transaction, so a batch is all-or-nothing per fact and atomic as a
whole. If another writer changed one of the batch's contracts meanwhile, the batch is judged
again from the start, a few times, before it is answered 409.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

from registry.adapters.with_events import InsertTransaction, RowsWithEvents
from registry.application.core import Batch, Change, Handler, Staged
from registry.application.store import EventStore
from registry.domain.commands import ContractCommand
from registry.domain.commands import contracts as cmd
from registry.domain.contract import TrainingContract
from registry.domain.errors import Conflict, InvalidInput, RegistryError
from registry.domain.principal import Principal

# The facts a batch may carry, by the name a batch gives their kind.
FACT_KINDS: dict[str, type[ContractCommand]] = {
    "payment": cmd.RecordPayment,
    "consumption": cmd.RecordConsumption,
    "release": cmd.ReleaseEscrow,
    "refund": cmd.RecordRefund,
}
MAX_FACTS = 1000
# Who may send a batch at all: whoever may report a single fact.
FEED_ROLES = ("feed", "regulator")
# How often a batch is judged again when other writers changed its contracts meanwhile.
ATTEMPTS = 5


@dataclass(frozen=True)
class FactOutcome:
    """One fact's fate: recorded (its contract's version and the position of its last event,
    the rules it breached and was flagged for) or refused (the error, nothing recorded)."""

    index: int
    contract_id: UUID
    version: int | None = None
    position: int | None = None
    breaches: tuple[str, ...] = ()
    refusal: RegistryError | None = None

    @property
    def status(self) -> Literal["recorded", "refused"]:
        return "refused" if self.refusal is not None else "recorded"


@dataclass(frozen=True)
class BatchResult:
    """Every fact's outcome, in the batch's order, and the log position after the batch."""

    outcomes: tuple[FactOutcome, ...]
    position: int

    @property
    def recorded(self) -> int:
        return sum(1 for o in self.outcomes if o.refusal is None)


# Given what a batch will answer, the rows that record that answer with its events.
AcknowledgeBatch = Callable[[BatchResult], RowsWithEvents]

_Judged = Staged | RegistryError


def report_facts(
    store: EventStore,
    handlers: Mapping[type[Any], Handler[Any]],
    principal: Principal,
    facts: Sequence[ContractCommand],
    acknowledge: AcknowledgeBatch | None = None,
    hold: Callable[[], AbstractContextManager[None]] = nullcontext,
) -> BatchResult:
    """Judge every fact, save the recorded ones together; ``acknowledge``'s rows commit with
    them (or, when every fact is refused, are the caller's to store). ``hold`` keeps what the
    facts only read (the school calendars) as it was when each judgement of the batch began."""
    principal.require(FEED_ROLES)
    if not 1 <= len(facts) <= MAX_FACTS:
        raise InvalidInput(f"a batch holds 1 to {MAX_FACTS} facts, not {len(facts)}", "facts")
    changes: list[Change[ContractCommand, TrainingContract]] = []
    for fact in facts:
        handler = handlers.get(type(fact))
        if type(fact) not in FACT_KINDS.values() or not isinstance(handler, Change):
            raise InvalidInput(f"{type(fact).__name__} cannot be reported in a batch", "facts")
        changes.append(handler)
    for attempt in range(1, ATTEMPTS + 1):
        # First on the contracts as this process last saw them (no read of the database);
        # a refusal may have been judged on a copy that was behind, so then judge them again.
        batch = Batch(store, cached=attempt == 1)
        if batch.cached:
            _preload(store, batch, [fact.target for fact in facts])
        with hold():
            judged = [
                _judge(change, principal, fact, batch)
                for change, fact in zip(changes, facts, strict=True)
            ]
        if batch.cached and any(isinstance(j, RegistryError) for j in judged):
            continue
        answer = None
        if acknowledge is not None:
            answer = _Answer(facts, batch.order(), judged, acknowledge)
        try:
            positions = batch.save([] if answer is None else [answer])
        except Conflict:
            if attempt == ATTEMPTS:
                raise
            continue
        if answer is not None and answer.result is not None:
            return answer.result  # as acknowledged in the insert transaction
        return _result(facts, judged, positions, store.head() if not positions else None)
    raise AssertionError("unreachable: the last attempt returns or raises")


def _preload(store: EventStore, batch: Batch, ids: Iterable[UUID]) -> None:
    """The batch's contracts for its first judgement, as ``Batch.load`` would find them with
    ``cached``, in fewer steps: the cached ones copied, the others replayed from one query."""
    missing: list[UUID] = []
    for aggregate_id in dict.fromkeys(ids):
        found = store.cached_copy(aggregate_id)
        if found is None:
            missing.append(aggregate_id)
        else:
            batch.loaded[aggregate_id] = found
    # What is left (unknown ids, a recorder without the query) is loaded one by one.
    batch.loaded.update(store.replayed_together(missing))


def _judge(
    change: Change[ContractCommand, TrainingContract],
    principal: Principal,
    fact: ContractCommand,
    batch: Batch,
) -> _Judged:
    try:
        return change.stage(principal, fact, batch)
    except RegistryError as refusal:
        return refusal


def _result(
    facts: Sequence[ContractCommand],
    judged: Sequence[_Judged],
    positions: Mapping[tuple[UUID, int], int],
    head: int | None,
) -> BatchResult:
    outcomes = []
    for index, (fact, verdict) in enumerate(zip(facts, judged, strict=True)):
        if isinstance(verdict, RegistryError):
            outcomes.append(FactOutcome(index, fact.contract_id, refusal=verdict))
            continue
        outcomes.append(
            FactOutcome(
                index,
                fact.contract_id,
                version=verdict.version,
                position=positions[(verdict.id, verdict.version)],
                breaches=tuple(
                    e.rule
                    for e in verdict.events
                    if isinstance(e, TrainingContract.ComplianceBreachDetected)
                ),
            )
        )
    last = max(positions.values()) if positions else head
    return BatchResult(tuple(outcomes), last or 0)


@dataclass
class _Answer:
    """The batch's answer, written in the insert transaction once its positions are known."""

    facts: Sequence[ContractCommand]
    order: Sequence[tuple[UUID, int]]
    judged: Sequence[_Judged]
    acknowledge: AcknowledgeBatch
    result: BatchResult | None = None

    def write(self, tx: InsertTransaction, positions: Sequence[int]) -> None:
        at = dict(zip(self.order, positions, strict=True))
        result = _result(self.facts, self.judged, at, None)
        self.acknowledge(result).write(tx, positions)
        self.result = result
