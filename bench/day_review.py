"""A day's review that finds most of the register due: the projector's peak memory, with the
review applied a chunk of rows at a time and with every due row held at once (the baseline).

    python -m bench.day_review --institutions 20000 --runs 3

Loads the scale generator's institutions into a SQLite file and projects them, then for each
run and each variant copies that file, records one ``DayReviewed`` on ``--day`` (far enough
ahead that nearly every licence has lapsed, so nearly every row of the register and of the
regulator's list is due) and applies it in a process of its own, which prints its RSS before
the review, its peak RSS (``ru_maxrss``) and the rows the review refreshed. The variants differ
only in ``review_chunk``: the registry's own (``REVIEW_CHUNK``) and one larger than the
register (every due row loaded together, as before chunks). Medians over the runs.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from registry.bootstrap import build_services
from registry.demo.scale_load import load
from registry.domain.principal import SYSTEM
from registry.projections import public_register as pub
from registry.projections.base import REVIEW_CHUNK
from registry.projections.regulator_list import RegulatorList
from registry.settings import Settings

EVERY_ROW = 10**9


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def prepare(path: Path, institutions: int, seed: int) -> dict[str, Any]:
    services = build_services(Settings(database_url=f"sqlite:///{path}"))
    try:
        started = time.perf_counter()
        report = load(
            services.registry, institutions=institutions, contracts_per_institution=2, seed=seed
        )
        events = services.projector.run_once()
        return {
            "events": report.events,
            "projected": events,
            "seconds": time.perf_counter() - started,
        }
    finally:
        services.close()


def review(path: Path, day: date, chunk: int) -> dict[str, Any]:
    """In this process: record the review and apply it; what it cost."""
    pub.PublicRegister.review_chunk = chunk
    RegulatorList.review_chunk = chunk
    services = build_services(Settings(database_url=f"sqlite:///{path}"))
    try:
        services.projector.run_once()
        t = pub.institutions
        with services.engine.connect() as conn:
            due = conn.execute(select(func.count()).where(t.c.next_change_on <= day)).scalar_one()
        before = rss_mib()
        services.registry.review_day(SYSTEM, day)
        started = time.perf_counter()
        services.projector.run_once()
        seconds = time.perf_counter() - started
    finally:
        services.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"due": due, "rss_before_mib": before, "peak_rss_mib": peak, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--institutions", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--day", type=date.fromisoformat, default=date(2031, 12, 31))
    parser.add_argument(
        "--child", nargs=3, metavar=("FILE", "DAY", "CHUNK"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        path, day, chunk = args.child
        print(json.dumps(review(Path(path), date.fromisoformat(day), int(chunk))))
        return
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        prepared = Path(tmp) / "prepared.db"
        loaded = prepare(prepared, args.institutions, args.seed)
        print(f"loaded and projected {loaded['events']:,} events in {loaded['seconds']:.0f} s")
        results: dict[str, list[dict[str, Any]]] = {"chunked": [], "every row at once": []}
        for run in range(args.runs):
            for name, chunk in (("chunked", REVIEW_CHUNK), ("every row at once", EVERY_ROW)):
                copy = Path(tmp) / f"run-{run}.db"
                for suffix in ("", "-wal", "-shm"):
                    source = Path(str(prepared) + suffix)
                    if source.exists():
                        shutil.copy(source, str(copy) + suffix)
                line = (
                    subprocess.run(
                        [
                            sys.executable,
                            "-m",
                            "bench.day_review",
                            "--child",
                            str(copy),
                            args.day.isoformat(),
                            str(chunk),
                        ],
                        check=True,
                        capture_output=True,
                        text=True,
                    )
                    .stdout.strip()
                    .splitlines()[-1]
                )
                results[name].append(json.loads(line))
                copy.unlink()
        for name, runs in results.items():
            peaks = [r["peak_rss_mib"] for r in runs]
            growth = [r["peak_rss_mib"] - r["rss_before_mib"] for r in runs]
            peak = statistics.median(peaks)
            print(
                f"{name:>18}: {runs[0]['due']:,} rows due; peak RSS {peak:.0f} MiB "
                f"(+{statistics.median(growth):.0f} MiB over the RSS before the review; runs "
                f"{', '.join(f'{p:.0f}' for p in peaks)}), "
                f"review applied in {statistics.median(r['seconds'] for r in runs):.1f} s"
            )
        chunked = statistics.median(
            r["peak_rss_mib"] - r["rss_before_mib"] for r in results["chunked"]
        )
        at_once = statistics.median(
            r["peak_rss_mib"] - r["rss_before_mib"] for r in results["every row at once"]
        )
        print(f"growth, chunked vs every row at once: {chunked / at_once:.2f}x")


if __name__ == "__main__":
    main()
