"""``--server URL``: the command line through the API, so an operator needs no database access.

The key comes from ``REGISTRY_API_KEY`` (never from an option: it would show in the shell's
history and the process list); the URL from ``--server`` or ``REGISTRY_SERVER``.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from cli.common import CliError
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
