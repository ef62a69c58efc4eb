"""A real registry server on 127.0.0.1 for the client to talk to, on each test database."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import uvicorn

from api.app import create_app
from registry.bootstrap import Services
from registry.settings import Settings


@dataclass(frozen=True)
class Server:
    url: str
    services: Services

    def key(self, role: str, districts: list[str], name: str) -> str:
        return self.services.keys.create(role, districts, name)[1]


@pytest.fixture
def server(settings: Settings, services: Services) -> Iterator[Server]:
    """``registry serve`` in a thread, with its projector, on a free local port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(settings, services), log_level="warning", lifespan="on")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the registry server did not start")
        time.sleep(0.02)
    try:
        yield Server(f"http://127.0.0.1:{port}", services)
    finally:
        running.should_exit = True
        thread.join(20)
        sock.close()
