"""The record's integrity: the hash chain, signed checkpoints, the signing key, verification."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.common import open_services

chain_app = typer.Typer(help="The hash chain over the event log.", no_args_is_help=True)
key_app = typer.Typer(help="The registry's Ed25519 signing key.", no_args_is_help=True)


@chain_app.command("init")
def chain_init() -> None:
    """Chain a log written before the hash chain existed (once; a chained log is left as is)."""
    from registry.adapters.chain_log import init_chain

    with open_services() as services:
        chained, head = init_chain(services.engine)
    if chained:
        typer.echo(f"chained {chained} events up to position {head}")
    else:
        typer.echo(f"the log is already chained (head at position {head})")


@key_app.command("show")
def signing_key_show() -> None:
    """The public key (PEM) and its id; the private key is created (mode 0600) if missing."""
    with open_services() as services:
        key = services.checkpoints.key
        typer.echo(f"key id {key.key_id} (Ed25519), key file {services.checkpoints.key_path}")
        typer.echo(key.public_pem.rstrip())


def checkpoint() -> None:
    """Sign the chain head now (a checkpoint anyone can keep a copy of)."""
    with open_services() as services:
        signed = services.checkpoints.sign()
    if signed is None:
        typer.echo("nothing to sign: the log is empty or not chained (`registry chain init`)")
        return
    typer.echo(
        f"checkpoint at position {signed.position}: head {signed.head_hash}, "
        f"signed {signed.signed_at} by key {signed.key_id}"
    )


def verify(
    start: Annotated[
        int, typer.Option("--from", min=1, help="Recompute the chain from this position on.")
    ] = 1,
    views: Annotated[
        bool, typer.Option("--views", help="Also replay the read models and compare them.")
    ] = False,
) -> None:
    """Recompute the hash chain and check every signed checkpoint; exit 1 naming the first bad
    position if an event was changed, deleted or inserted, or the log was cut."""
    from registry.verification import verify as run

    with open_services() as services:
        result = run(services, start=start, views=views)
    for line in result.lines():
        typer.echo(line, err=not result.ok and line.startswith("FAILED"))
    if not result.ok:
        raise typer.Exit(1)
