"""What the benchmarks run on: the machine, and the data loaded (once, resumably) to run against.

The data are ``registry demo --institutions N``'s: generated institutions of
``registry.demo``, loaded through the same loader, then frozen and projected.
"""

from __future__ import annotations

import os
import platform
import random
import time
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
from sqlalchemy import select

from registry.bootstrap import build_services
from registry.demo.scale_identity import BRANDS, PLACES, SUBJECTS
from registry.demo.scale_load import load
from registry.projections import public_register as pub
from registry.settings import Settings

# -- the machine -----------------------------------------------------------------------------


def machine(url: str) -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    with psycopg.connect(url) as conn:
        pg = conn.execute("SHOW server_version").fetchone()
        fsync = conn.execute("SHOW synchronous_commit").fetchone()
    packages = ("eventsourcing", "fastapi", "starlette", "uvicorn", "sqlalchemy", "psycopg")
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kib / 1024**2, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": pg[0] if pg else "?",
        "synchronous_commit": fsync[0] if fsync else "?",
        "packages": {p: metadata.version(p) for p in packages},
    }


# -- the data --------------------------------------------------------------------------------


def prepare(settings: Settings, institutions: int, seed: int, contracts: int) -> dict[str, Any]:
    """Load (or finish loading) the data and project it; answers ids, a key and timings."""
    services = build_services(settings)
    try:
        started = time.perf_counter()
        report = load(
            services.registry,
            institutions=institutions,
            contracts_per_institution=contracts,
            seed=seed,
            progress=None,
        )
        loaded_s = time.perf_counter() - started
        services.registry.contract_freezer.run_once()
        started = time.perf_counter()
        projected = services.projector.run_once()
        projected_s = time.perf_counter() - started
        t = pub.institutions
        with services.engine.connect() as conn:
            rows = conn.execute(select(t.c.id, t.c.status)).all()
        _, secret = services.keys.create("regulator", [p.code for p in PLACES], "bench writer")
        head = services.registry.store.head()
    finally:
        services.close()
    return {
        "ids": sorted(r.id for r in rows),
        "writable": sorted(r.id for r in rows if r.status != "deregistered"),
        "key": secret,
        "head": head,
        "load": {
            "institutions_added": report.added,
            "events_written": report.events,
            "load_s": loaded_s,
            "build_s": report.build_s,
            "save_s": report.save_s,
            "events_projected": projected,
            "project_s": projected_s,
        },
    }


def search_urls(rng: random.Random, count: int) -> list[str]:
    """Searches people make: a brand or a subject word, often narrowed to a district."""
    words = [*BRANDS, *(w for sector in SUBJECTS.values() for w in sector if w)]
    urls = []
    for _ in range(count):
        params = [f"q={quote(rng.choice(words))}"]
        if rng.random() < 0.6:
            params.append(f"district_code={rng.choice(PLACES).code}")
        if rng.random() < 0.2:
            params.append("category=non_academic")
        urls.append("/v1/public/institutions?" + "&".join(params))
    return urls
