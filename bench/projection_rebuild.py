"""Benchmark: rebuilding every read model from the log, against the library's ProjectionRunner.

    python -m bench.projection_rebuild [--events 200000] [--backend both] [--baseline-events 20000]

For each backend it writes a fresh log of about ``--events`` events (institutions, contracts,
payments, lessons, releases), then times a full rebuild of all views by the registry's batched
projector. In the same run it times the library's own ``ProjectionRunner`` (one transaction per
event) on the same log with a one-table view that counts events by type: the baseline. The
baseline's rate is per event and steady, so it is timed on the first ``--baseline-events``
events to keep the run short. Prints events/s for both and their ratio; targets 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from functools import singledispatchmethod
from pathlib import Path
from typing import Any

import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteTrackingRecorder
from psycopg.sql import SQL, Identifier

from registry.bootstrap import build_services
from registry.demo.generate import generate
from registry.settings import Settings

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


# -- the baseline: the library's runner with a one-table view --------------------------------


class LogReader(Application[uuid.UUID]):
    """The registry's log as a plain library application (same name, same tables)."""

    name = "Registry"


class PollingSQLiteRecorder(SQLiteApplicationRecorder):
    """SQLite has no subscribe() in eventsourcing 9.5.6; poll, as the library's notes suggest."""

    def subscribe(self, gt: int | None = None, topics: Any = ()) -> Any:
        from eventsourcing.persistence import ListenNotifySubscription

        subscription = ListenNotifySubscription(self, gt=gt, topics=topics)

        def poll() -> None:
            while not subscription._has_been_stopped:  # noqa: SLF001
                subscription._has_been_notified.set()  # noqa: SLF001
                time.sleep(0.05)

        import threading

        threading.Thread(target=poll, daemon=True).start()
        return subscription


class PgCounts(PostgresTrackingRecorder):
    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        table = Identifier(self.datastore.schema), Identifier("baseline_event_counts")
        self.sql_create_statements.append(
            SQL("CREATE TABLE IF NOT EXISTS {0}.{1} (type text PRIMARY KEY, n bigint)").format(
                *table
            )
        )
        self.upsert = SQL(
            "INSERT INTO {0}.{1} VALUES (%s, 1) ON CONFLICT (type) DO UPDATE SET n = {1}.n + 1"
        ).format(*table)

    def count(self, tracking: Tracking, kind: str) -> None:
        with self.datastore.transaction(commit=True) as curs:
            self._insert_tracking(curs, tracking)
            curs.execute(self.upsert, (kind,), prepare=True)


class SqliteCounts(SQLiteTrackingRecorder):
    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.create_table_statements.append(
            "CREATE TABLE IF NOT EXISTS baseline_event_counts (type TEXT PRIMARY KEY, n INTEGER)"
        )

    def count(self, tracking: Tracking, kind: str) -> None:
        with self.datastore.transaction(commit=True) as c:
            self._insert_tracking(c, tracking)
            c.execute(
                "INSERT INTO baseline_event_counts VALUES (?, 1) "
                "ON CONFLICT (type) DO UPDATE SET n = n + 1",
                (kind,),
            )


class CountByType(Projection[Any]):
    name = "baseline"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.count(tracking, type(domain_event).__name__)


def time_baseline(settings: Settings, events: int) -> float:
    env = settings.eventsourcing_env()
    view_class: type[Any]
    if settings.backend == "sqlite":
        env["APPLICATION_RECORDER_TOPIC"] = f"{__name__}:PollingSQLiteRecorder"
        env["BASELINE_SQLITE_DBNAME"] = env["SQLITE_DBNAME"] + ".baseline"
        view_class = SqliteCounts
    else:
        view_class = PgCounts
    started = time.perf_counter()
    with ProjectionRunner(
        application_class=LogReader, projection_class=CountByType, view_class=view_class, env=env
    ) as runner:
        runner.wait(events, timeout=3600)
    return events / (time.perf_counter() - started)


# -- the registry's projector ----------------------------------------------------------------


def one_backend(backend: str, events: int, baseline_events: int, runs: int) -> dict[str, Any]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    tmp = tempfile.mkdtemp()
    if backend == "sqlite":
        settings = Settings(database_url=f"sqlite:///{Path(tmp) / 'bench.db'}")
    else:
        settings = Settings(database_url=PG_URL, database_schema=schema)
    services = build_services(settings)
    try:
        t0 = time.perf_counter()
        written = generate(services.registry, events)
        write_s = time.perf_counter() - t0
        rates = []
        for _ in range(runs):
            t0 = time.perf_counter()
            read = services.projector.rebuild()
            rates.append(read / (time.perf_counter() - t0))
        baseline = time_baseline(settings, min(baseline_events, written))
        return {
            "backend": backend,
            "events": written,
            "write_events_per_s": written / write_s,
            "rebuild_events_per_s": statistics.median(rates),
            "rebuild_runs": rates,
            "baseline_events": min(baseline_events, written),
            "baseline_events_per_s": baseline,
        }
    finally:
        services.close()
        if backend == "postgresql":
            with psycopg.connect(PG_URL, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--baseline-events", type=int, default=20_000)
    parser.add_argument("--backend", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument("--runs", type=int, default=3, help="rebuilds timed (median reported)")
    args = parser.parse_args()
    backends = ("postgresql", "sqlite") if args.backend == "both" else (args.backend,)
    for backend in backends:
        r = one_backend(backend, args.events, args.baseline_events, args.runs)
        ratio = r["rebuild_events_per_s"] / r["baseline_events_per_s"]
        print(
            f"{r['backend']:>10}: {r['events']} events written "
            f"at {r['write_events_per_s']:,.0f}/s; "
            f"rebuild of all views {r['rebuild_events_per_s']:,.0f} events/s "
            f"(median of {len(r['rebuild_runs'])}: "
            + ", ".join(f"{x:,.0f}" for x in r["rebuild_runs"])
            + f"); baseline ProjectionRunner {r['baseline_events_per_s']:,.0f} events/s "
            f"on {r['baseline_events']} events; ratio {ratio:.1f}x",
            flush=True,
        )


if __name__ == "__main__":
    main()
