"""Loading a national-scale register: generated institutions, saved in batches, resumable.

Institution ``n`` of a seed is drawn from ``(seed, n)`` alone (``registry.demo.scale_lives``),
and each one is saved whole (with its successor, contracts and roster) in one
``EventStore.save`` together with its neighbours, ``batch_events`` events or so per
transaction: they are all new aggregates, so nothing else can be writing to them. Batches are
saved in order, so the institutions already in the store are always 1..k; a second run finds k
by binary search on the event store (existence of a stream by its deterministic id) and goes on
from k + 1. The final log has the same institutions and the same events whether the load ran at
once or was interrupted and resumed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from registry.application.registry import Registry
from registry.demo.scale_contracts import CalendarOf
from registry.demo.scale_identity import identity
from registry.demo.scale_lives import build, pending_events


@dataclass
class LoadReport:
    """What one load did, and where its time went."""

    first: int = 1  # the first institution number this run wrote
    added: int = 0  # institutions (successors not counted) written by this run
    events: int = 0
    batches: int = 0
    build_s: float = 0.0  # drawing lives and running the aggregates' commands
    save_s: float = 0.0  # EventStore.save: mapping, JSON transcoding, the insert transactions
    stopped_early: bool = False
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return self.build_s + self.save_s


def exists(registry: Registry, seed: int, n: int) -> bool:
    """Whether institution ``n`` of ``seed`` is in the event store (its first event is)."""
    return bool(registry.store.recorder.select_events(identity(seed, n).id, limit=1))


def first_missing(registry: Registry, seed: int, last: int) -> int:
    """The first institution number of ``seed`` not yet stored (``last + 1`` when all are).

    Stored institutions are always a prefix 1..k (batches are saved in order), so a binary
    search answers with about log2(last) look-ups.
    """
    if last < 1 or not exists(registry, seed, 1):
        return 1
    if exists(registry, seed, last):
        return last + 1
    lo, hi = 1, last  # stored(lo), not stored(hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if exists(registry, seed, mid):
            lo = mid
        else:
            hi = mid
    return hi


def load(
    registry: Registry,
    *,
    institutions: int,
    contracts_per_institution: int,
    seed: int,
    batch_events: int = 1000,
    stop_after: int | None = None,
    progress: Callable[[int], None] | None = None,
    until_events: int | None = None,
) -> LoadReport:
    """Store institutions 1..``institutions`` of ``seed`` not stored yet, in batches.

    ``progress`` is called with the number of institutions handled since the last call;
    ``stop_after`` stops after that many batches (an interrupted load); ``until_events`` stops
    once this run has written that many events.
    """
    report = LoadReport()
    school_calendar = registry.calendars.lookup()
    report.first = first_missing(registry, seed, institutions)
    if progress and report.first > 1:
        progress(report.first - 1)
    batch: list[tuple[int, list[Aggregate]]] = []
    pending = 0
    for n in range(report.first, institutions + 1):
        started = time.perf_counter()
        group = build(seed, n, contracts_per_institution, school_calendar)
        report.build_s += time.perf_counter() - started
        batch.append((n, group))
        pending += pending_events(group)
        full = pending >= batch_events or n == institutions
        if until_events is not None and report.events + pending >= until_events:
            full = True
        if not full:
            continue
        report.events += _save(
            registry, seed, contracts_per_institution, batch, report, school_calendar
        )
        report.added += len(batch)
        report.batches += 1
        if progress:
            progress(len(batch))
        batch, pending = [], 0
        if stop_after is not None and report.batches >= stop_after and n < institutions:
            report.stopped_early = True
            break
        if until_events is not None and report.events >= until_events:
            break
    return report


def _save(
    registry: Registry,
    seed: int,
    contracts: int,
    batch: list[tuple[int, list[Aggregate]]],
    report: LoadReport,
    school_calendar: CalendarOf,
) -> int:
    """Save a batch in one transaction; answers the events written.

    Should another load of the same seed have stored some of these institutions meanwhile, the
    store refuses the whole batch (their ids collide); the batch is then drawn again without
    them and saved once more.
    """
    started = time.perf_counter()
    try:
        written = len(registry.store.save(*(a for _, group in batch for a in group)))
    except IntegrityError:
        # ``save`` took the pending events: draw the missing institutions again.
        missing = [n for n, _ in batch if not exists(registry, seed, n)]
        again = [a for n in missing for a in build(seed, n, contracts, school_calendar)]
        written = len(registry.store.save(*again)) if again else 0
    report.save_s += time.perf_counter() - started
    return written
