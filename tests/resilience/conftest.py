"""A real server process for the tests that kill, restart or fuzz it (``serve`` fixture)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from registry.settings import Settings

REPO = Path(__file__).resolve().parents[2]

# The server. With STALL set, the first write (or feed batch) to save stalls there ("before"
# the events are inserted, or "after" they and the answer committed) and says so, until it is
# killed.
SERVER = textwrap.dedent(
    """
    import os, sys, time
    import uvicorn
    from api.app import create_app
    from registry.application import core
    from registry.settings import Settings

    stall = os.environ.get("STALL")
    if stall:
        save_all = core.EventStore.save_all

        def stalling(self, *args, **kwargs):
            if stall == "before":
                print("stalled", flush=True)
                time.sleep(600)
            result = save_all(self, *args, **kwargs)
            print("stalled", flush=True)
            time.sleep(600)
            return result

        core.EventStore.save_all = stalling
        batch_save = core.Batch.save

        def stalling_batch(self, *args, **kwargs):
            if stall == "before":
                print("stalled", flush=True)
                time.sleep(600)
            result = batch_save(self, *args, **kwargs)
            print("stalled", flush=True)
            time.sleep(600)
            return result

        core.Batch.save = stalling_batch
    app = create_app(Settings())
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def running_server(
    settings: Settings, errors: IO[str] | None = None, **env: str
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """A server process on 127.0.0.1 over ``settings``' database; its URL and process."""
    port = free_port()
    environment = {
        **os.environ,
        "REGISTRY_DATABASE_URL": settings.database_url,
        "REGISTRY_DATABASE_SCHEMA": settings.database_schema,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        **env,
    }
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)],
        env=environment,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=errors if errors is not None else subprocess.DEVNULL,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # A loaded machine (the suite runs on several workers) may take long to start Python.
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "the server process ended"
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield url, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


@pytest.fixture
def serve() -> Any:
    """``with serve(settings, **env) as (url, process)``: a server process, killed after."""
    return running_server


# -- a PostgreSQL of the test's own, to stop and start ---------------------------------------


class ThrowawayPostgres:
    """A PostgreSQL cluster in a temporary directory, on its own port of 127.0.0.1."""

    def __init__(self, bin_dir: Path, directory: Path) -> None:
        self.bin_dir = bin_dir
        self.directory = directory
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*as_postgres, str(self.bin_dir / command[0]), *command[1:]],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def init(self) -> None:
        self._run("initdb", "-D", str(self.directory / "data"), "-A", "trust", "-U", "postgres")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory}"
        data, logfile = str(self.directory / "data"), str(self.directory / "log")
        self._run("pg_ctl", "-D", data, "-o", options, "-l", logfile, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.directory / "data"), "-m", "immediate", "-w", "stop")


@pytest.fixture
def throwaway_postgres() -> Iterator[ThrowawayPostgres]:
    """A PostgreSQL the test may stop and start; skipped where none can be made."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        pytest.skip("no PostgreSQL server binaries (initdb) to start a throwaway cluster")
    # Its own directory under the system's temporary one, which the postgres user can reach.
    directory = Path(tempfile.mkdtemp(prefix="registry-pg-"))
    if os.geteuid() == 0:
        import pwd

        user = pwd.getpwnam("postgres")
        os.chown(directory, user.pw_uid, user.pw_gid)
    cluster = ThrowawayPostgres(found[-1].parent, directory)
    cluster.init()
    cluster.start()
    try:
        yield cluster
    finally:
        with contextlib.suppress(subprocess.SubprocessError):
            cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)
