"""The registry's benchmarks, against baselines measured in the same run on the same machine.

    python -m bench [--institutions 20000] [--runs 3] [--duration 10] [--quick] [--fresh]

1. Data: ``--institutions`` generated institutions (``registry demo --institutions``'s data)
   in the PostgreSQL schema ``bench_<N>_<seed>``, loaded once and kept (the load resumes).
2. Read path, 32 connections: the public institution page (a hot set of pages, the same with
   revalidating clients, and every request a page not asked before) and public search,
   through ``registry serve``; baseline: a minimal FastAPI endpoint doing one primary-key
   select through SQLAlchemy (``bench/baseline_app.py``), on the same ids; and the ceiling,
   the same app answering without any database. Each page's verdict against its targets.
3. Write path, 1 and 4 clients: a regulator records an inspection (``POST
   /v1/institutions/{id}/inspections``) through ``registry serve``; baseline: a minimal FastAPI
   endpoint saving one new event through the library.
4. Rebuild of every read model, in a process of its own, and one process per read model,
   against reading and decoding the same log through the library (``bench/rebuild_scan.py``).
5. Memory: peak RSS of the API under the read load, of the server streaming the register
   downloads (``bench/downloads.py``) and of the projector during the rebuild.

Each measurement runs ``--runs`` times, the baseline and the registry taking turns; medians and
min-max are printed and written to ``--json``. Servers and load stay on 127.0.0.1; each load
stops by itself after ``--duration`` seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg

from bench import downloads, feed_batches, rebuild_scan
from bench.data import machine, prepare, search_urls
from bench.loadgen import LoadResult, Request, run_load, summary
from bench.servers import Server, baseline_command, registry_command, serve
from bench.targets import read_targets
from registry.settings import Settings

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
LOGS = Path(tempfile.gettempdir()) / "registry-bench"  # the servers' logs
MEMORY_TARGET_MIB = 300  # projector peak RSS on the 1.24 M-event log of 100,000 institutions


# -- scenarios -------------------------------------------------------------------------------


def cycle(
    paths: list[str],
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: Callable[[int], bytes] | None = None,
) -> Callable[[int], Request]:
    hdrs = headers or {}

    def make(n: int) -> Request:
        return (method, paths[n % len(paths)], hdrs, body(n) if body else b"")

    return make


def measure(
    server: Server,
    make: Callable[[int], Request],
    connections: int,
    duration: float,
    revalidate: bool = False,
) -> LoadResult:
    return run_load(
        server.port, make, connections=connections, duration=duration, revalidate=revalidate
    )


def describe(name: str, runs: list[LoadResult]) -> dict[str, Any]:
    out = summary(runs)
    out["name"] = name
    out["rps_runs"] = [round(r.rps, 1) for r in runs]
    out["p99_runs"] = [round(r.p99, 2) for r in runs]
    return out


def line(s: dict[str, Any], base: dict[str, Any] | None = None) -> str:
    text = (
        f"  {s['name']:<34} {s['rps_median']:>8,.0f} req/s "
        f"(runs {', '.join(f'{x:,.0f}' for x in s['rps_runs'])}); "
        f"p50 {s['p50_ms_median']:.1f} ms, p99 {s['p99_ms_median']:.1f} ms "
        f"(max {s['p99_ms_max']:.1f}); non-2xx/304: {s['errors']}"
    )
    if base:
        text += f"; {s['rps_median'] / base['rps_median']:.2f}x baseline"
    return text


def read_path(
    env: dict[str, str], data: dict[str, Any], args: argparse.Namespace, rng: random.Random
) -> dict[str, Any]:
    ids = data["ids"]
    hot = rng.sample(ids, min(args.hot_set, len(ids)))
    hot_seq = [rng.choice(hot) for _ in range(200_000)]
    cold_seq = rng.sample(ids, len(ids))
    searches = search_urls(rng, args.searches)
    search_seq = [rng.choice(searches) for _ in range(200_000)]
    page = "/v1/public/institutions/"
    results: dict[str, list[LoadResult]] = {
        k: []
        for k in (
            "ceiling",
            "baseline",
            "page_hot",
            "page_hot_revalidating",
            "page_cold",
            "search",
        )
    }
    conns, dur = args.read_connections, args.duration
    with (
        serve("baseline", baseline_command(), env, "/docs", LOGS / "baseline.log") as base,
        serve("registry", registry_command(), env, "/health", LOGS / "registry.log") as reg,
    ):
        # Warm both up (imports, pools, plans, the hot pages) before anything is measured.
        measure(base, cycle([f"/baseline/institutions/{i}" for i in hot]), conns, args.warmup)
        # Every hot page and every search once (as the traffic before the measurement would).
        run_load(
            reg.port,
            cycle([page + i for i in hot]),
            connections=conns,
            duration=300,
            max_requests=len(hot),
        )
        run_load(
            reg.port, cycle(searches), connections=conns, duration=300, max_requests=len(searches)
        )
        reg.reset_peak_rss()
        cold_at = 0
        for _ in range(args.runs):
            results["ceiling"].append(
                measure(base, cycle([f"/baseline/ceiling/{i}" for i in hot_seq]), conns, dur)
            )
            results["baseline"].append(
                measure(base, cycle([f"/baseline/institutions/{i}" for i in hot_seq]), conns, dur)
            )
            results["page_hot"].append(measure(reg, cycle([page + i for i in hot_seq]), conns, dur))
            results["page_hot_revalidating"].append(
                measure(reg, cycle([page + i for i in hot_seq]), conns, dur, revalidate=True)
            )
            cold = [page + i for i in cold_seq[cold_at:] + cold_seq[:cold_at]]
            results["page_cold"].append(measure(reg, cycle(cold), conns, dur))
            cold_at = (cold_at + results["page_cold"][-1].requests) % len(cold_seq)
            results["search"].append(measure(reg, cycle(search_seq), conns, dur))
        peak = reg.peak_rss_mib
        rss = reg.rss_mib
    names = {
        "ceiling": "ceiling: no database (framework)",
        "baseline": "baseline: one PK select",
        "page_hot": f"page, {len(hot):,} hot pages",
        "page_hot_revalidating": "page, hot, If-None-Match clients",
        "page_cold": "page, each one new (no repeats)",
        "search": f"search, {len(searches)} queries",
    }
    out: dict[str, Any] = {k: describe(names[k], v) for k, v in results.items()}
    out["api_peak_rss_mib"] = peak
    out["api_rss_after_mib"] = rss
    return out


def write_path(
    env: dict[str, str], data: dict[str, Any], args: argparse.Namespace, rng: random.Random
) -> dict[str, Any]:
    writable = rng.sample(data["writable"], len(data["writable"]))
    body = json.dumps(
        {
            "inspected_on": "2026-10-30",
            "kind": "routine",
            "inspectors": ["王伟", "李娜"],
            "findings": [],
            "result": "pass",
        }
    ).encode()
    auth = {"Authorization": f"Bearer {data['key']}", "Content-Type": "application/json"}
    paths = [f"/v1/institutions/{i}/inspections" for i in writable]
    out: dict[str, Any] = {}
    with (
        serve("baseline", baseline_command(), env, "/docs", LOGS / "baseline.log") as base,
        serve("registry", registry_command(), env, "/health", LOGS / "registry.log") as reg,
        serve(
            "registry",
            registry_command(no_projector=True),
            env,
            "/health",
            LOGS / "registry-no-projector.log",
        ) as split,
        projector_process(env) as _projector,
    ):
        base_make = cycle(
            ["/baseline/events"], "POST", {"Content-Type": "application/json"}, lambda n: b"{}"
        )
        offset = [0]

        def reg_make(n: int) -> Request:
            return ("POST", paths[(offset[0] + n) % len(paths)], auth, body)

        measure(base, base_make, 1, args.warmup)
        measure(reg, reg_make, 1, args.warmup)
        measure(split, reg_make, 1, args.warmup)
        offset[0] += 10_000
        reg.reset_peak_rss()
        for clients in args.write_clients:
            runs: dict[str, list[LoadResult]] = {"baseline": [], "registry": [], "split": []}
            for _ in range(args.runs):
                runs["baseline"].append(measure(base, base_make, clients, args.duration))
                for name, server in (("registry", reg), ("split", split)):
                    result = measure(server, reg_make, clients, args.duration)
                    offset[0] += result.requests
                    runs[name].append(result)
            out[f"baseline_{clients}"] = describe(
                f"baseline: save one event, {clients} cl.", runs["baseline"]
            )
            out[f"registry_{clients}"] = describe(
                f"record inspection, {clients} cl.", runs["registry"]
            )
            out[f"split_{clients}"] = describe(
                f"  same, projector apart, {clients} cl.", runs["split"]
            )
        out["api_peak_rss_mib"] = reg.peak_rss_mib
    return out


@contextmanager
def projector_process(env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """``registry project``: the read models kept up to date by a process of their own."""
    script = Path(sys.executable).parent / "registry"
    with (LOGS / "projector.log").open("a") as out:
        proc = subprocess.Popen(
            [str(script), "project"],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(15)


def rebuild(env: dict[str, str], runs: int, with_parallel: bool) -> dict[str, Any]:
    """The rebuild against the log scan, on the same data (``bench/rebuild_scan.py``)."""
    return rebuild_scan.measure(env, runs, with_parallel=with_parallel)


# -- the command -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--database-url", default=PG_URL)
    parser.add_argument("--institutions", type=int, default=20_000)
    parser.add_argument("--contracts-per-institution", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--read-connections", type=int, default=32)
    parser.add_argument("--write-clients", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--hot-set", type=int, default=5_000, help="distinct hot pages")
    parser.add_argument("--searches", type=int, default=300, help="distinct search queries")
    parser.add_argument("--rebuild-runs", type=int, default=3)
    parser.add_argument(
        "--only",
        nargs="+",
        choices=("read", "write", "feed", "rebuild", "downloads"),
        default=["read", "write", "feed", "rebuild", "downloads"],
    )
    parser.add_argument(
        "--no-parallel-rebuild",
        action="store_true",
        help="skip the rebuild by one process per read model",
    )
    parser.add_argument("--feed-clients", type=int, nargs="+", default=[4])
    parser.add_argument("--feed-contracts", type=int, default=2_000)
    parser.add_argument("--fresh", action="store_true", help="drop the data and load it again")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="2,000 institutions, 2 runs of 3 s, 1 rebuild: a smoke run",
    )
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args(argv)
    if args.quick:
        args.institutions, args.runs, args.duration, args.warmup = 2_000, 2, 3.0, 1.0
        args.rebuild_runs = 1
    if urlsplit(args.database_url).hostname not in ("127.0.0.1", "localhost"):
        parser.error("the benchmark only runs against a local PostgreSQL (127.0.0.1)")

    LOGS.mkdir(parents=True, exist_ok=True)
    schema = f"bench_{args.institutions}_{args.seed}"
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        if args.fresh:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    settings = Settings(database_url=args.database_url, database_schema=schema)
    env = {
        "REGISTRY_DATABASE_URL": args.database_url,
        "REGISTRY_DATABASE_SCHEMA": schema,
        "REGISTRY_LOG_LEVEL": "WARNING",
        "BENCH_DATABASE_URL": args.database_url,
        "BENCH_DATABASE_SCHEMA": schema,
    }
    rng = random.Random(args.seed)
    figures: dict[str, Any] = {"machine": machine(args.database_url), "args": vars(args).copy()}
    figures["args"]["json"] = str(args.json) if args.json else None
    print(f"machine: {json.dumps(figures['machine'], ensure_ascii=False)}", flush=True)

    started = time.perf_counter()
    data = prepare(settings, args.institutions, args.seed, args.contracts_per_institution)
    figures["data"] = {
        **data["load"],
        "institutions": len(data["ids"]),
        "events": data["head"],
        "schema": schema,
    }
    print(
        f"data: {len(data['ids']):,} institutions, {data['head']:,} events in {schema} "
        f"(this run loaded {data['load']['events_written']:,} events in "
        f"{data['load']['load_s']:.1f} s and projected {data['load']['events_projected']:,} "
        f"in {data['load']['project_s']:.1f} s)",
        flush=True,
    )
    if "read" in args.only:
        r = read_path(env, data, args, rng)
        figures["read"] = r
        print(
            f"read path, {args.read_connections} connections, {args.duration:.0f} s x "
            f"{args.runs} runs:"
        )
        print(line(r["ceiling"]), flush=True)
        for k in ("baseline", "page_hot", "page_hot_revalidating", "page_cold", "search"):
            print(line(r[k], None if k == "baseline" else r["baseline"]), flush=True)
        print(f"  API peak RSS under read load: {r['api_peak_rss_mib']:.0f} MiB", flush=True)
        for text in read_targets(r):
            print(text, flush=True)
    if "write" in args.only:
        w = write_path(env, data, args, rng)
        figures["write"] = w
        print(f"write path, {args.duration:.0f} s x {args.runs} runs:")
        for clients in args.write_clients:
            print(line(w[f"baseline_{clients}"]))
            print(line(w[f"registry_{clients}"], w[f"baseline_{clients}"]), flush=True)
            print(line(w[f"split_{clients}"], w[f"baseline_{clients}"]), flush=True)
        print(f"  API peak RSS under write load: {w['api_peak_rss_mib']:.0f} MiB", flush=True)
    if "feed" in args.only:
        f = feed_batches.feed_path(env, settings, data["writable"], args, LOGS)
        figures["feed"] = f
        for text in feed_batches.lines(f, args.feed_clients):
            print(text, flush=True)
    if "downloads" in args.only:
        d = downloads.measure(env, LOGS)
        figures["downloads"] = d
        print("register downloads (memory):")
        for text in downloads.report(d, len(data["ids"])):
            print(text, flush=True)
    if "rebuild" in args.only:
        b = rebuild(env, args.rebuild_runs, with_parallel=not args.no_parallel_rebuild)
        figures["rebuild"] = b
        print(f"rebuild, {b['scan']['events']:,} events, {args.rebuild_runs} runs:")
        for text in rebuild_scan.report(b):
            print(text, flush=True)
        peak = max(b[k]["peak_rss_mib_max"] for k in ("rebuild", "parallel") if k in b)
        verdict = "met" if peak <= MEMORY_TARGET_MIB else "not met"
        print(
            f"  projector peak RSS {peak:.0f} MiB, target <= {MEMORY_TARGET_MIB} MiB: {verdict}",
            flush=True,
        )
    figures["total_s"] = time.perf_counter() - started
    print(f"total {figures['total_s']:.0f} s; run id {uuid.uuid4().hex[:8]}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
