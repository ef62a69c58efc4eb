"""``--server URL``: the command line through the API, so an operator needs no database access.

The key comes from ``REGISTRY_API_KEY`` (never from an option: it would show in the shell's
history and the process list); the URL from ``--server`` or ``REGISTRY_SERVER``.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from typing import Annotated, Self

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cli.common import CliError, open_services
from registry.bootstrap import Services
from registry.client import RegistryClient

ServerOption = Annotated[
    str | None,
    typer.Option(
        "--server",
        envvar="REGISTRY_SERVER",
        metavar="URL",
        help="Go through the registry's API at URL (key in REGISTRY_API_KEY) [REGISTRY_SERVER].",
    ),
]


def remote_client(server: str) -> RegistryClient:
    """A client of the API at ``server``, with the key of ``REGISTRY_API_KEY``."""
    key = os.environ.get("REGISTRY_API_KEY", "").strip()
    if not key:
        raise CliError("--server needs the API key in REGISTRY_API_KEY")
    if not server.startswith(("http://", "https://")):
        raise CliError(f"--server must be an http:// or https:// URL, not {server!r}")
    return RegistryClient(server, key)


class LocalOrRemote:
    """The database's services, or a client of the API with ``--server``: opened on entering,
    closed on leaving. A command's writer subclasses it and sends through whichever is open."""

    services: Services
    client: RegistryClient

    def __init__(self, server: str | None) -> None:
        self.server = server
        self._stack = ExitStack()

    def __enter__(self) -> Self:
        if self.server is None:
            self.services = self._stack.enter_context(open_services())
        else:
            self.client = remote_client(self.server)
            self._stack.callback(self.client.close)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()


def progress_bar(label: str) -> Progress:
    """A writer's progress on standard error: shown on a terminal, silent in a pipe or a log."""
    console = Console(stderr=True)
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
