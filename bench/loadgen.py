"""A small, bounded HTTP/1.1 load generator: asyncio streams, keep-alive, 127.0.0.1 only.

It is deliberately lean (pre-encoded requests, a minimal response parser, no TLS, no
redirects) so that on a 2-core machine it takes as little CPU from the server under test as it
can; the same generator drives the registry and the baselines, so their ratio is fair. A run
stops by itself at ``duration`` seconds or ``max_requests`` requests, whichever comes first.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ALLOWED_HOSTS = ("127.0.0.1",)

# One request: method, path (with query), extra headers, body.
Request = tuple[str, str, dict[str, str], bytes]


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies_ms: list[float]
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        k = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[k]

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p99(self) -> float:
        return self.percentile(99)

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 400 or status == 0)


def _encode(host: str, port: int, request: Request) -> bytes:
    method, path, headers, body = request
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body or method in ("POST", "PUT", "PATCH", "DELETE"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if line:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunks.append(await reader.readexactly(size + 2))
            if size == 0:
                break
        body = b"".join(c[:-2] for c in chunks)
    else:
        body = b""
    return status, headers, body


async def _run(
    host: str,
    port: int,
    make: Callable[[int], Request],
    connections: int,
    duration: float,
    max_requests: int,
    revalidate: bool,
    check: Callable[[int, bytes], None] | None,
) -> LoadResult:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    issued = 0
    deadline = time.perf_counter() + duration

    async def client() -> None:
        nonlocal issued
        reader, writer = await asyncio.open_connection(host, port)
        etags: dict[str, str] = {}
        try:
            while issued < max_requests and time.perf_counter() < deadline:
                n = issued
                issued += 1
                request = make(n)
                if revalidate and request[1] in etags:
                    request = (
                        request[0],
                        request[1],
                        {**request[2], "If-None-Match": etags[request[1]]},
                        request[3],
                    )
                started = time.perf_counter()
                writer.write(_encode(host, port, request))
                status, headers, body = await _read_response(reader)
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[status] += 1
                if revalidate and "etag" in headers:
                    etags[request[1]] = headers["etag"]
                if check is not None:
                    check(status, body)
                if headers.get("connection") == "close":
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    return LoadResult(len(latencies), time.perf_counter() - started, latencies, statuses)


def run_load(
    port: int,
    make: Callable[[int], Request],
    *,
    connections: int,
    duration: float,
    max_requests: int = 1_000_000,
    revalidate: bool = False,
    host: str = "127.0.0.1",
    check: Callable[[int, bytes], None] | None = None,
) -> LoadResult:
    """Drive ``connections`` keep-alive clients for ``duration`` seconds (or ``max_requests``).

    ``make(n)`` gives the n-th request. With ``revalidate`` each client remembers the ETag of
    every path it fetched and sends it back as ``If-None-Match``, as a browser cache does.
    """
    if host not in ALLOWED_HOSTS:
        raise ValueError(f"the load generator only targets {', '.join(ALLOWED_HOSTS)}")
    return asyncio.run(
        _run(host, port, make, connections, duration, max_requests, revalidate, check)
    )


def summary(results: list[LoadResult]) -> dict[str, Any]:
    """Median and spread of several runs of one scenario."""
    rps = [r.rps for r in results]
    p50 = [r.p50 for r in results]
    p99 = [r.p99 for r in results]
    return {
        "runs": len(results),
        "rps_median": statistics.median(rps),
        "rps_min": min(rps),
        "rps_max": max(rps),
        "p50_ms_median": statistics.median(p50),
        "p99_ms_median": statistics.median(p99),
        "p99_ms_max": max(p99),
        "requests": sum(r.requests for r in results),
        "errors": sum(r.errors for r in results),
        "statuses": dict(sum((r.statuses for r in results), Counter())),
    }
