"""The batch feed against the single-fact POST, in the same run on the same server.

A teaching platform reports lessons taught (``consumption`` facts of one lesson). The bench
signs contracts of its own with lessons enough never to run out (so every fact is recorded,
none refused), with the institutions of the loaded data, then takes turns:

- single facts: ``POST /v1/contracts/{id}/consumptions``, ``clients`` connections;
- batches: ``POST /v1/feed-batches`` with ``FACTS`` facts each (``PER_CONTRACT`` lessons on
  each of ``FACTS / PER_CONTRACT`` contracts), ``clients`` connections. The batches in flight
  at one time name different contracts, as different feeds (or one feed's consecutive
  batches) do; facts per second count only the facts the answers say were recorded.

Targets (issue 16): ≥ 5,000 facts/s with 4 clients on PostgreSQL, and ≥ 10× the single-fact rate.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from bench.loadgen import LoadResult, Request, run_load
from bench.servers import registry_command, serve
from registry.bootstrap import build_services
from registry.demo.scale_identity import PLACES
from registry.domain.commands.contracts import SignContract
from registry.domain.errors import RegistryError
from registry.domain.principal import Principal
from registry.settings import Settings

FACTS = 1000
PER_CONTRACT = 4
TARGET_FACTS_PER_S = 5_000
TARGET_RATIO = 10.0
SETUP = Principal(id="bench-feed-setup", role="admin", name="the benchmark's set-up")
LESSON_STARTS = "2026-03-10T16:00:00+08:00"  # a Tuesday afternoon: no flag on any lesson
LESSON_ENDS = "2026-03-10T17:00:00+08:00"


def sign_contracts(
    settings: Settings, institutions: list[str], count: int
) -> tuple[list[UUID], str]:
    """``count`` contracts of 100,000 lessons, one per institution, signed for the bench, and
    a feed key for every district."""
    services = build_services(settings)
    try:
        signed: list[UUID] = []
        for institution_id in institutions:
            if len(signed) == count:
                break
            try:
                written = services.registry.execute(
                    SETUP,
                    SignContract(
                        institution_id=UUID(institution_id),
                        pupil_ref=f"bench-{len(signed)}",
                        guardian_name="某",
                        guardian_phone="13800000000",
                        course="基准测试 100000课时",
                        paid_lessons=100_000,
                        price_per_lesson_fen=100,
                        start_date=date(2026, 1, 1),
                        end_date=date(2027, 12, 31),
                    ),
                )
            except RegistryError:  # an institution that signs nothing (deregistered): the next
                continue
            signed.append(written.id)
        _, secret = services.keys.create("feed", [p.code for p in PLACES], "bench feed")
    finally:
        services.close()
    return signed, secret


LESSON = {"lessons": 1, "starts_at": LESSON_STARTS, "ends_at": LESSON_ENDS, "delivery": "offline"}


class Tally:
    """Counts the facts the batches' answers say were recorded."""

    def __init__(self) -> None:
        self.recorded = 0

    def __call__(self, status: int, body: bytes) -> None:
        if status == 200:
            self.recorded += json.loads(body)["recorded"]


def feed_path(
    env: dict[str, str], settings: Settings, institutions: list[str], args: Any, logs: Path
) -> dict[str, Any]:
    """Single facts and batches, ``args.runs`` times each, taking turns; figures per client
    count of ``args.feed_clients``."""
    per_batch = FACTS // PER_CONTRACT
    contracts, key = sign_contracts(settings, institutions, args.feed_contracts)
    slices = max(1, len(contracts) // per_batch)
    auth = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    single_body = json.dumps(LESSON).encode()
    run_id = time.time_ns()

    def single(n: int) -> Request:
        path = f"/v1/contracts/{contracts[n % len(contracts)]}/consumptions"
        return ("POST", path, auth, single_body)

    def batch(n: int) -> Request:
        start = (n % slices) * per_batch
        facts = [
            {"kind": "consumption", "contract_id": str(c), **LESSON}
            for c in contracts[start : start + per_batch]
            for _ in range(PER_CONTRACT)
        ]
        body = {"batch_id": f"bench-{run_id}-{n}", "facts": facts}
        return ("POST", "/v1/feed-batches", auth, json.dumps(body).encode())

    out: dict[str, Any] = {"contracts": len(contracts), "facts_per_batch": FACTS}
    with serve("registry", registry_command(), env, "/health", logs / "registry-feed.log") as reg:
        run_load(reg.port, single, connections=1, duration=args.warmup)
        run_load(reg.port, batch, connections=1, duration=args.warmup, max_requests=2)
        for clients in args.feed_clients:
            singles: list[LoadResult] = []
            batches: list[tuple[LoadResult, int]] = []
            for _ in range(args.runs):
                singles.append(
                    run_load(reg.port, single, connections=clients, duration=args.duration)
                )
                tally = Tally()
                result = run_load(
                    reg.port, batch, connections=clients, duration=args.duration, check=tally
                )
                batches.append((result, tally.recorded))
            single_rates = [r.requests / r.seconds for r in singles if r.errors == 0]
            fact_rates = [n / r.seconds for r, n in batches]
            out[f"clients_{clients}"] = {
                "single_facts_per_s_runs": [round(r.rps, 1) for r in singles],
                "single_p99_ms_runs": [round(r.p99, 1) for r in singles],
                "single_errors": sum(r.errors for r in singles),
                "batch_facts_per_s_runs": [round(x, 1) for x in fact_rates],
                "batch_p50_ms_runs": [round(r.p50, 1) for r, _ in batches],
                "batch_p99_ms_runs": [round(r.p99, 1) for r, _ in batches],
                "batch_errors": sum(r.errors for r, _ in batches),
                "batch_statuses": dict(sum((r.statuses for r, _ in batches), Counter())),
                "single_facts_per_s_median": statistics.median(single_rates or [0.0]),
                "batch_facts_per_s_median": statistics.median(fact_rates),
            }
    return out


def lines(figures: dict[str, Any], clients: list[int]) -> list[str]:
    """What ``python -m bench`` prints: rates, ratio, and each against its target."""
    found = [
        f"batch feed ({figures['facts_per_batch']:,} lesson facts a batch, "
        f"{PER_CONTRACT} per contract, {figures['contracts']:,} contracts):"
    ]
    for n in clients:
        f = figures[f"clients_{n}"]
        single, batched = f["single_facts_per_s_median"], f["batch_facts_per_s_median"]
        ratio = batched / single if single else float("nan")
        found.append(
            f"  single-fact POST, {n} cl.: {single:,.0f} facts/s "
            f"(runs {', '.join(f'{x:,.0f}' for x in f['single_facts_per_s_runs'])}); "
            f"p99 {statistics.median(f['single_p99_ms_runs']):.1f} ms; errors {f['single_errors']}"
        )
        found.append(
            f"  feed batches, {n} cl.: {batched:,.0f} facts/s recorded "
            f"(runs {', '.join(f'{x:,.0f}' for x in f['batch_facts_per_s_runs'])}); "
            f"p50 {statistics.median(f['batch_p50_ms_runs']):.0f} ms a batch; "
            f"errors {f['batch_errors']}"
        )
        found.append(
            f"    {ratio:.1f}x the single-fact rate (target {TARGET_RATIO:.0f}x); "
            f"{batched / TARGET_FACTS_PER_S:.2f}x the {TARGET_FACTS_PER_S:,} facts/s target"
        )
    return found
