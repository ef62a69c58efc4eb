"""The servers under test: uvicorn subprocesses on 127.0.0.1 with a free port, and their RSS."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    port: int
    pid: int

    def _status(self, field: str) -> float:
        """A ``/proc/<pid>/status`` figure in MiB (VmRSS, VmHWM)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def reset_peak_rss(self) -> None:
        """Start the peak (VmHWM) afresh, so it measures what comes next (Linux)."""
        try:
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")
        except OSError:
            pass

    @property
    def rss_mib(self) -> float:
        return self._status("VmRSS")

    @property
    def peak_rss_mib(self) -> float:
        return self._status("VmHWM")


def _ready(port: int, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"server on port {port} did not answer {path} in {timeout} s")
        time.sleep(0.2)


@contextmanager
def serve(
    name: str, command: list[str], env: dict[str, str], ready_path: str, log: Path
) -> Iterator[Server]:
    """Run ``command`` (given ``--port`` and ``--host``) until the block ends."""
    port = free_port()
    with log.open("a") as out:
        proc = subprocess.Popen(
            [*command, "--host", HOST, "--port", str(port)],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=Path(__file__).resolve().parent.parent,
        )
    try:
        _ready(port, ready_path, timeout=120)
        yield Server(name, port, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def registry_command(no_projector: bool = False) -> list[str]:
    """``registry serve``: the real server, the projector in its process unless told not to."""
    script = Path(sys.executable).parent / "registry"
    return [str(script), "serve", *(["--no-projector"] if no_projector else [])]


def baseline_command() -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "bench.baseline_app:create",
        "--log-level",
        "warning",
    ]
