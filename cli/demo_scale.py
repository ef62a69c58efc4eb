"""``registry demo --institutions N``: a national-scale register, loaded, frozen and projected.

Institution ``n`` of a seed is drawn from ``(seed, n)`` alone (``cli.scale_data``), and each
one is saved whole (with its successor, contracts and roster) in one ``Registry.save`` together
with its neighbours, ``batch_events`` events or so per transaction: they are all new
aggregates, so nothing else can be writing to them. Batches are saved in order, so the
institutions already in the store are always 1..k; a second run finds k by binary search on the
event store (existence of a stream by its deterministic id) and goes on from k + 1. The
final log has the same institutions and the same events whether the load ran at once or was
interrupted and resumed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import typer
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError
from sqlalchemy import func, select

from cli.common import open_services, redacted
from cli.scale_data import AS_OF, build, identity, pending_events
from registry.application.registry import Registry
from registry.bootstrap import Services
from registry.projections import public_register as pub
from registry.projections import refund_tracking as rt
from registry.settings import Settings

Echo = Callable[[str], None]


@dataclass
class LoadReport:
    """What one load did, and where its time went."""

    first: int = 1  # the first institution number this run wrote
    added: int = 0  # institutions (successors not counted) written by this run
    events: int = 0
    batches: int = 0
    build_s: float = 0.0  # drawing lives and running the aggregates' commands
    save_s: float = 0.0  # Registry.save: mapping, JSON transcoding, the insert transactions
    stopped_early: bool = False
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return self.build_s + self.save_s


def exists(registry: Registry, seed: int, n: int) -> bool:
    """Whether institution ``n`` of ``seed`` is in the event store (its first event is)."""
    return bool(registry.recorder.select_events(identity(seed, n).id, limit=1))


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
    report.first = first_missing(registry, seed, institutions)
    if progress and report.first > 1:
        progress(report.first - 1)
    batch: list[tuple[int, list[Aggregate]]] = []
    pending = 0
    for n in range(report.first, institutions + 1):
        started = time.perf_counter()
        group = build(seed, n, contracts_per_institution)
        report.build_s += time.perf_counter() - started
        batch.append((n, group))
        pending += pending_events(group)
        full = pending >= batch_events or n == institutions
        if until_events is not None and report.events + pending >= until_events:
            full = True
        if not full:
            continue
        report.events += _save(registry, seed, contracts_per_institution, batch, report)
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
) -> int:
    """Save a batch in one transaction; answers the events written.

    Should another load of the same seed have stored some of these institutions meanwhile, the
    store refuses the whole batch (their ids collide); the batch is then drawn again without
    them and saved once more.
    """
    started = time.perf_counter()
    try:
        written = len(registry.save(*(a for _, group in batch for a in group)))
    except IntegrityError:
        # ``save`` took the pending events: draw the missing institutions again.
        missing = [n for n, _ in batch if not exists(registry, seed, n)]
        again = [a for n in missing for a in build(seed, n, contracts)]
        written = len(registry.save(*again)) if again else 0
    report.save_s += time.perf_counter() - started
    return written


# -- the command -----------------------------------------------------------------------------


@contextmanager
def _bar(length: int, label: str) -> Iterator[Callable[[int], None]]:
    with typer.progressbar(length=max(length, 1), label=label, show_pos=True) as bar:
        yield bar.update


def run_scale_demo(
    settings: Settings,
    *,
    institutions: int,
    contracts_per_institution: int,
    seed: int,
    batch_events: int,
    stop_after: int | None,
    echo: Echo,
) -> LoadReport:
    """Load (or finish loading) N institutions, freeze what absconded, project, and report."""
    where = redacted(settings.database_url)
    if settings.backend == "postgresql":
        where += f" (schema {settings.database_schema})"
    echo(
        f"Loading {institutions:,} institutions (seed {seed}, about "
        f"{contracts_per_institution} contracts each, as of {AS_OF}) into {where}"
    )
    with open_services(settings) as services:
        started = time.perf_counter()
        with _bar(institutions, "institutions") as bar:
            report = load(
                services.registry,
                institutions=institutions,
                contracts_per_institution=contracts_per_institution,
                seed=seed,
                batch_events=batch_events,
                stop_after=stop_after,
                progress=bar,
            )
        report.phases["load"] = time.perf_counter() - started
        if report.first > 1:
            echo(f"Institutions 1..{report.first - 1:,} were already loaded: resumed after them.")
        echo(
            f"  wrote {report.added:,} institutions, {report.events:,} events "
            f"in {report.batches:,} transactions: {report.phases['load']:.1f} s "
            f"({_rate(report.events, report.phases['load'])} events/s; drawing and commands "
            f"{report.build_s:.1f} s, Registry.save {report.save_s:.1f} s)"
        )
        if report.stopped_early:
            echo(f"Stopped after {report.batches} batch(es), as asked: run again to resume.")
            return report
        project(services, report, echo)
        summarise(services, report, echo)
    return report


def project(services: Services, report: LoadReport, echo: Echo) -> None:
    """Freeze the contracts of institutions that absconded, then bring every view up to date."""
    started = time.perf_counter()
    frozen = services.registry.contract_freezer.run_once()
    report.phases["freeze"] = time.perf_counter() - started
    echo(f"  contract freezer: {frozen} cessations handled in {report.phases['freeze']:.1f} s")

    head = services.registry.recorder.max_notification_id() or 0
    behind = head - min(services.projector.positions().values(), default=0)
    started = time.perf_counter()
    with _bar(behind, "projecting  ") as bar:
        done = [head - behind]

        def moved(position: int, _head: int) -> None:
            bar(position - done[0])
            done[0] = position

        read = services.projector.run_once(progress=moved)
    report.phases["project"] = time.perf_counter() - started
    echo(
        f"  projector: {read:,} events into {len(services.projector.projections)} read models "
        f"in {report.phases['project']:.1f} s ({_rate(read, report.phases['project'])} events/s)"
    )


def summarise(services: Services, report: LoadReport, echo: Echo) -> None:
    with services.engine.connect() as conn:
        statuses = dict(
            conn.execute(
                select(pub.institutions.c.status, func.count()).group_by(pub.institutions.c.status)
            ).all()
        )
        contracts = conn.execute(select(func.count()).select_from(rt.contracts)).scalar() or 0
        listed = conn.execute(select(func.count()).select_from(pub.blacklist)).scalar() or 0
    total = sum(phase for phase in report.phases.values())
    echo(
        f"\nThe register now holds {sum(statuses.values()):,} institutions "
        f"({', '.join(f'{v:,} {k}' for k, v in sorted(statuses.items(), key=lambda x: -x[1]))}), "
        f"{listed:,} blacklisted, {contracts:,} prepaid contracts, "
        f"{services.registry.recorder.max_notification_id() or 0:,} events."
    )
    echo(
        "Time: "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.phases.items())
        + f"; total {total:.1f} s."
    )
    echo(
        "Try it: `registry serve`, then curl 'http://127.0.0.1:8000/v1/public/institutions?q=星火'"
    )


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}" if seconds > 0 else "-"
