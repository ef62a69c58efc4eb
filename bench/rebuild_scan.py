"""Benchmark: rebuilding the read models against reading and decoding the same log.

    python -m bench.rebuild_scan [--events 60000] [--runs 3] [--backend postgresql]

Writes a log of about ``--events`` events with the scale generator (``registry.demo.generate``)
into a schema of its own (``bench_log_<events>``, kept for the next run; SQLite: a file in the
temporary folder), then, ``--runs`` times in turn, each in a process of its own:

- the baseline: the library's recorder reads the log in batches of 5,000 and its mapper decodes
  every event (``bench/log_scan.py``);
- the rebuild of every read model by one projector (``registry projections rebuild``);
- the parallel rebuild: one process per read model (``registry project --only NAME``), all
  started together, timed from the first start to the last end.

Prints the medians and each rebuild's ratio to the scan against the target (0.5), and the
projectors' peak RSS. Targets 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import psycopg

from registry.bootstrap import all_projections, build_services
from registry.demo.generate import generate
from registry.settings import Settings

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
TARGET = 0.5
ROOT = Path(__file__).resolve().parent.parent


def env_for(backend: str, events: int, url: str = PG_URL) -> dict[str, str]:
    if backend == "sqlite":
        path = Path(tempfile.gettempdir()) / f"registry-bench-log-{events}.db"
        return {"REGISTRY_DATABASE_URL": f"sqlite:///{path}", "REGISTRY_LOG_LEVEL": "WARNING"}
    return {
        "REGISTRY_DATABASE_URL": url,
        "REGISTRY_DATABASE_SCHEMA": f"bench_log_{events}",
        "REGISTRY_LOG_LEVEL": "WARNING",
    }


def prepare(env: dict[str, str], events: int) -> int:
    """The log of about ``events`` events, written unless already there; answers its head."""
    settings = Settings(
        database_url=env["REGISTRY_DATABASE_URL"],
        database_schema=env.get("REGISTRY_DATABASE_SCHEMA", "public"),
    )
    services = build_services(settings)
    try:
        if services.registry.store.head() == 0:
            generate(services.registry, events)
        return services.registry.store.head()
    finally:
        services.close()


def child(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.rebuild", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def finished(proc: subprocess.Popen[str]) -> dict[str, Any]:
    out, _ = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{proc.args} failed with {proc.returncode}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def one(env: dict[str, str], *args: str) -> dict[str, Any]:
    return finished(child(env, *args))


def parallel(env: dict[str, str], names: list[str]) -> dict[str, Any]:
    """Every read model rebuilt by a process of its own, all at once."""
    done = [finished(p) for p in [child(env, "--only", n) for n in names]]
    seconds = max(d["ended"] for d in done) - min(d["started"] for d in done)
    return {
        "events": max(d["events"] for d in done),
        "seconds": seconds,
        "peak_rss_mib": max(d["peak_rss_mib"] for d in done),
        "slowest": names[max(range(len(done)), key=lambda i: done[i]["seconds"])],
    }


def measure(env: dict[str, str], runs: int, with_parallel: bool = True) -> dict[str, Any]:
    """Scan, rebuild and parallel rebuild, ``runs`` times in turn; medians and ratios."""
    names = [p.name for p in all_projections()]
    results: dict[str, list[dict[str, Any]]] = {"scan": [], "rebuild": [], "parallel": []}
    for _ in range(runs):
        results["scan"].append(one(env, "--scan"))
        results["rebuild"].append(one(env))
        if with_parallel:
            results["parallel"].append(parallel(env, names))
    out: dict[str, Any] = {}
    for kind, done in results.items():
        if not done:
            continue
        rates = [d["events"] / d["seconds"] for d in done]
        out[kind] = {
            "events": done[0]["events"],
            "events_per_s_runs": [round(r) for r in rates],
            "events_per_s_median": statistics.median(rates),
            "seconds_median": statistics.median(d["seconds"] for d in done),
            "peak_rss_mib_max": max(d["peak_rss_mib"] for d in done),
        }
    scan_rate = out["scan"]["events_per_s_median"]
    for kind in ("rebuild", "parallel"):
        if kind in out:
            out[kind]["ratio_to_scan"] = out[kind]["events_per_s_median"] / scan_rate
    return out


def report(out: dict[str, Any]) -> list[str]:
    """The lines ``python -m bench`` and this module print."""
    labels = {
        "scan": "log scan (baseline): select_notifications + to_domain_event",
        "rebuild": "rebuild of every read model, one process",
        "parallel": "rebuild, one process per read model (--only)",
    }
    lines = []
    for kind, label in labels.items():
        if kind not in out:
            continue
        r = out[kind]
        text = (
            f"  {label}: {r['events_per_s_median']:,.0f} events/s "
            f"(runs {', '.join(f'{x:,}' for x in r['events_per_s_runs'])}), "
            f"peak RSS {r['peak_rss_mib_max']:.0f} MiB"
        )
        if "ratio_to_scan" in r:
            ratio = r["ratio_to_scan"]
            verdict = "met" if ratio >= TARGET else "not met"
            text += f"; {ratio:.2f}x the scan, target {TARGET}x: {verdict}"
        lines.append(text)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--no-parallel", action="store_true")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    env = env_for(args.backend, args.events)
    if args.backend == "postgresql":
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{env["REGISTRY_DATABASE_SCHEMA"]}"')
    head = prepare(env, args.events)
    print(f"{args.backend}: log of {head:,} events; {args.runs} runs", flush=True)
    out = measure(env, args.runs, with_parallel=not args.no_parallel)
    out["backend"], out["log_events"] = args.backend, head
    for text in report(out):
        print(text, flush=True)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
