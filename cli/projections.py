"""``registry projections``: where each read model stands, and rebuilding one from the log."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.common import CliError, open_services

app = typer.Typer(help="Read models: status and rebuild.", no_args_is_help=True)


@app.command("status")
def status() -> None:
    """Each projection's position and how many events it still has to apply."""
    with open_services() as services:
        head = services.registry.store.head()
        for name, position in sorted(services.projector.positions().items()):
            typer.echo(f"{name:<20} position {position:>10}  lag {max(0, head - position):>8}")


@app.command("rebuild")
def rebuild(
    name: Annotated[
        str | None, typer.Argument(help="One projection; all of them when left out.")
    ] = None,
) -> None:
    """Drop a read model and replay the whole log into it, with a progress bar."""
    with open_services() as services:
        known = sorted(services.projector.projections)
        if name is not None and name not in known:
            raise CliError(f"no projection {name!r}; there are {', '.join(known)}")
        head = services.registry.store.head()
        with typer.progressbar(length=max(head, 1), label=f"rebuilding {name or 'all'}") as bar:
            done = 0

            def advance(position: int, _head: int) -> None:
                nonlocal done
                bar.update(position - done)
                done = position

            read = services.projector.rebuild(name, progress=advance)
    typer.echo(f"rebuilt {name or ', '.join(known)} from {read} events")
