"""The ``registry`` console script: serve the API, run the projector, keys, records, demo data.

Errors the registry raises on purpose (``RegistryError``) and bad settings end a command with a
one-line message on stderr and exit code 1; usage errors exit 2. This is handled once, in
``RegistryCommands.invoke``, so that no command needs its own try/except.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from cli import (
    calendars,
    casefile,
    contracts,
    feed,
    imports,
    institutions,
    integrity,
    keys,
    projections,
)
from cli.common import CliError, load_settings, open_services
from registry.domain.errors import RegistryError, RuleViolation


def one_line(error: Exception) -> str:
    text = " ".join(str(error).split())
    if isinstance(error, RuleViolation):
        return f"{text} (rule {error.rule})"
    return text


class RegistryCommands(TyperGroup):
    """The top command group: turns expected errors into one line on stderr and exit code 1."""

    # ``ctx`` is the click context of the copy of click that Typer vendors (``typer._click``).
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (RegistryError, CliError) as e:
            typer.echo(f"error: {one_line(e)}", err=True)
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=RegistryCommands,
    help="Register of off-campus training institutions (校外培训机构监管登记系统).",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(keys.app, name="keys")
app.add_typer(institutions.app, name="institutions")
app.add_typer(contracts.app, name="contracts")
app.add_typer(projections.app, name="projections")
app.add_typer(imports.app, name="import")
app.add_typer(calendars.app, name="calendar")
app.add_typer(feed.app, name="feed")
app.add_typer(integrity.chain_app, name="chain")
app.add_typer(integrity.key_app, name="signing-key")
app.command("checkpoint")(integrity.checkpoint)
app.command("verify")(integrity.verify)
app.command("export-case")(casefile.export_case)
app.command("verify-case")(casefile.verify_case)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind [REGISTRY_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on [REGISTRY_PORT].")] = None,
    no_projector: Annotated[
        bool,
        typer.Option(
            "--no-projector", help="Leave the read models to a separate `registry project`."
        ),
    ] = False,
) -> None:
    """The API and the public page and, unless --no-projector, the projector, in one process."""
    import uvicorn

    from api.app import create_app

    settings = load_settings()
    application = create_app(settings, run_projector=not no_projector)
    uvicorn.run(
        application,
        host=settings.host if host is None else host,
        port=settings.port if port is None else port,
        log_level=settings.log_level.lower(),
        # The API logs each request itself (with its request id and key id, without the
        # query string); in JSON, uvicorn's own lines go through the same JSON handler.
        access_log=False,
        log_config=None if settings.log_format == "json" else uvicorn.config.LOGGING_CONFIG,
    )


@app.command()
def project(
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help="Keep only this read model (repeat for several); its position is its own, so "
            "processes keeping different read models run side by side. The day's review, the "
            "contract freezer and checkpoints stay with a process run without --only.",
        ),
    ] = None,
) -> None:
    """The projector alone: keeps the read models up to date until stopped (SIGTERM, Ctrl-C)."""
    import logging

    from registry.bootstrap import all_projections
    from registry.runner import ProjectorRunner

    settings = load_settings()
    logging.basicConfig(level=settings.log_level)
    known = sorted(p.name for p in all_projections())
    unknown = sorted(set(only or ()) - set(known))
    if unknown:
        raise CliError(f"no projection {', '.join(unknown)}; there are {', '.join(known)}")
    with open_services(settings, only=only or None) as services:
        runner = ProjectorRunner(services, reactions=not only)

        def stop(signum: int, _frame: Any) -> None:
            runner.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        names = ", ".join(sorted(services.projector.projections))
        typer.echo(f"projecting {names}; stop with ^C")
        runner.run()
    typer.echo("projector stopped")


@app.command()
def openapi(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file (default: print).")
    ] = None,
) -> None:
    """The API's OpenAPI document, as served at /openapi.json (and kept in docs/openapi.json)."""
    from api.app import create_app
    from api.openapi import rendered

    text = rendered(create_app(load_settings(), run_projector=False))
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}")


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Another seed gives other names and codes.")] = 2021,
    institutions: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Load this many generated institutions (national scale) instead of the "
            "three dozen stories; run again to resume an interrupted load.",
        ),
    ] = None,
    contracts_per_institution: Annotated[
        int, typer.Option(min=0, help="With --institutions: prepaid contracts, on average.")
    ] = 1,
    batch_events: Annotated[
        int, typer.Option(min=1, help="With --institutions: events per insert transaction.")
    ] = 1000,
    stop_after: Annotated[
        int | None, typer.Option(min=1, hidden=True, help="Stop after this many batches.")
    ] = None,
) -> None:
    """Load realistic demo institutions into the configured database and print how to try them."""
    if institutions is None:
        from cli.demo import run_demo

        run_demo(load_settings(), seed, typer.echo)
        return
    from cli.demo import run_scale_demo

    run_scale_demo(
        load_settings(),
        institutions=institutions,
        contracts_per_institution=contracts_per_institution,
        seed=seed,
        batch_events=batch_events,
        stop_after=stop_after,
        echo=typer.echo,
    )


if __name__ == "__main__":
    app()
