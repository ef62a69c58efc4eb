"""A real server process for the tests that kill, restart or fuzz it (``serve`` fixture)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
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

# The server. With STALL set, the first write to save stalls there ("before" the events are
# inserted, or "after" they and the answer committed) and says so, until it is killed.
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
        deadline = time.monotonic() + 30
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
