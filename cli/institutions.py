"""``registry institutions``: the regulator view and the audit trail of one institution."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any
from uuid import UUID

import typer

from cli.common import OPERATOR, local_time, open_services, parse_date, parse_institution_id

app = typer.Typer(help="Read an institution's record and its events.", no_args_is_help=True)

InstitutionId = Annotated[
    UUID,
    typer.Argument(
        parser=parse_institution_id,
        help="The institution's id (UUID) or its 18-character credit code.",
    ),
]

PAGE = 500


def compact(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


@app.command("show")
def show(
    institution_id: InstitutionId,
    as_of: Annotated[
        date | None,
        typer.Option(
            "--as-of",
            parser=parse_date,
            metavar="YYYY-MM-DD",
            help="The record as it stood at the end of that day (Asia/Shanghai).",
        ),
    ] = None,
) -> None:
    """The full regulator view of an institution, as JSON."""
    with open_services() as services:
        view = services.registry.institution(OPERATOR, institution_id, as_of=as_of)
    typer.echo(json.dumps(view, ensure_ascii=False, indent=2, default=str))


@app.command("events")
def events(institution_id: InstitutionId) -> None:
    """Every event of an institution, in order: position, version, type, time, actor, data."""
    with open_services() as services:
        after = 0
        while True:
            page = services.registry.institution_events(OPERATOR, institution_id, after, PAGE)
            for e in page:
                actor = f"{e.actor.get('id', '?')}/{e.actor.get('role', '?')}"
                typer.echo(
                    f"{e.position:>8}  v{e.version:<4} {e.type:<28} "
                    f"{local_time(e.recorded_at)}  {actor}  {compact(e.data)}"
                )
            if len(page) < PAGE:
                break
            after = page[-1].version
