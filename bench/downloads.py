"""Memory of the register downloads: the server's RSS while it streams the whole register.

    python -m bench.downloads [--schema bench_log_60000]

Starts ``registry serve`` on the data (PostgreSQL schema), reads its RSS once warm, then
downloads ``/v1/public/institutions.csv`` and ``.jsonl`` to the end, reading the answer in
chunks and throwing them away, and reads the peak RSS (VmHWM) after each. Streamed downloads
keep the peak near the idle RSS whatever the register's size; run it on two sizes to compare.
"""

from __future__ import annotations

import argparse
import http.client
import time
from pathlib import Path
from typing import Any

from bench.servers import HOST, registry_command, serve

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
PATHS = {"csv": "/v1/public/institutions.csv", "jsonl": "/v1/public/institutions.jsonl"}


def download(port: int, path: str) -> tuple[int, float]:
    """Bytes read and seconds taken, reading the answer 64 KiB at a time."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=600)
    conn.request("GET", path)
    answer = conn.getresponse()
    if answer.status != 200:
        raise RuntimeError(f"{path} answered {answer.status}")
    size = 0
    while chunk := answer.read(65536):
        size += len(chunk)
    conn.close()
    return size, time.perf_counter() - started


def measure(env: dict[str, str], logs: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    command = registry_command(no_projector=True)
    with serve("registry", command, env, "/health", logs / "downloads.log") as reg:
        download(reg.port, "/v1/public/institutions?limit=1")  # warm: imports, pools
        out["idle_rss_mib"] = reg.rss_mib
        for kind, path in PATHS.items():
            reg.reset_peak_rss()
            size, seconds = download(reg.port, path)
            out[kind] = {
                "bytes": size,
                "seconds": seconds,
                "peak_rss_mib": reg.peak_rss_mib,
            }
    return out


def report(out: dict[str, Any], rows: int | None = None) -> list[str]:
    lines = [f"  server RSS before the downloads: {out['idle_rss_mib']:.0f} MiB"]
    for kind in PATHS:
        r = out[kind]
        lines.append(
            f"  {kind} download: {r['bytes'] / 2**20:,.1f} MiB in {r['seconds']:.1f} s"
            + (f" ({rows:,} institutions)" if rows else "")
            + f"; server peak RSS {r['peak_rss_mib']:.0f} MiB "
            f"(+{r['peak_rss_mib'] - out['idle_rss_mib']:.0f} MiB over idle)"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schema", default="bench_log_60000")
    parser.add_argument("--database-url", default=PG_URL)
    args = parser.parse_args()
    env = {
        "REGISTRY_DATABASE_URL": args.database_url,
        "REGISTRY_DATABASE_SCHEMA": args.schema,
        "REGISTRY_LOG_LEVEL": "WARNING",
    }
    logs = Path("/tmp") / "registry-bench"
    logs.mkdir(parents=True, exist_ok=True)
    for text in report(measure(env, logs)):
        print(text, flush=True)


if __name__ == "__main__":
    main()
