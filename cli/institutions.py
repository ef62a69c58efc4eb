"""``registry institutions``: the regulator view and the audit trail of one institution."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

import typer

from cli.common import (
    OPERATOR,
    local_time,
    open_services,
    parse_date,
    parse_institution_id,
    parse_time,
    table,
)
from cli.remote import ServerOption, remote_client

app = typer.Typer(
    help="Read the regulator's list, an institution's record and its events.",
    no_args_is_help=True,
)

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
            help="What was in force at the end of that day (Asia/Shanghai), by the decisions' "
            "effective dates.",
        ),
    ] = None,
    known_at: Annotated[
        datetime | None,
        typer.Option(
            "--known-at",
            parser=parse_time,
            metavar="RFC3339",
            help="Only what the registry had recorded by then.",
        ),
    ] = None,
    server: ServerOption = None,
) -> None:
    """The full regulator view of an institution, as JSON."""
    if server is not None:
        with remote_client(server) as client:
            answer = client.institution(institution_id, as_of=as_of, known_at=known_at)
            view = answer.model_dump(mode="json")
    else:
        with open_services() as services:
            view = services.registry.institution(
                OPERATOR, institution_id, as_of=as_of, known_at=known_at
            )
    typer.echo(json.dumps(view, ensure_ascii=False, indent=2, default=str))


@app.command("events")
def events(institution_id: InstitutionId, server: ServerOption = None) -> None:
    """Every event of an institution, in order: position, version, type, time, actor, data."""
    if server is not None:
        with remote_client(server) as client:
            for event in client.institution_events(institution_id):
                _echo_event(
                    event.position,
                    event.version,
                    event.type,
                    event.recorded_at,
                    event.actor,
                    event.data,
                )
        return
    with open_services() as services:
        after = 0
        while True:
            page = services.registry.institution_events(OPERATOR, institution_id, after, PAGE)
            for e in page:
                _echo_event(e.position, e.version, e.type, e.recorded_at, e.actor, e.data)
            if len(page) < PAGE:
                break
            after = page[-1].version


def _echo_event(
    position: int,
    version: int,
    kind: str,
    recorded_at: datetime,
    actor: dict[str, Any],
    data: dict[str, Any],
) -> None:
    who = f"{actor.get('id', '?')}/{actor.get('role', '?')}"
    typer.echo(
        f"{position:>8}  v{version:<4} {kind:<28} {local_time(recorded_at)}  {who}  {compact(data)}"
    )


@app.command("list")
def list_institutions(
    status: Annotated[str | None, typer.Option(help="registered, licensed, suspended, …")] = None,
    category: Annotated[str | None, typer.Option(help="academic or non_academic")] = None,
    district: Annotated[str | None, typer.Option(help="6-digit district code")] = None,
    licence_expiring_before: Annotated[
        date | None,
        typer.Option(parser=parse_date, metavar="YYYY-MM-DD", help="Licence ends before."),
    ] = None,
    open_rectification: Annotated[
        bool | None,
        typer.Option(
            "--open-rectification/--no-open-rectification", help="With or without open orders."
        ),
    ] = None,
    blacklisted: Annotated[bool | None, typer.Option("--blacklisted/--not-blacklisted")] = None,
    supervision: Annotated[
        str | None, typer.Option(help="bank_custody, risk_reserve or none")
    ] = None,
    server: ServerOption = None,
) -> None:
    """The regulator's list (through the API: the key's districts), in credit-code order."""
    filters: dict[str, Any] = {
        "status": status,
        "category": category,
        "district_code": district,
        "licence_expiring_before": licence_expiring_before,
        "open_rectification": open_rectification,
        "blacklisted": blacklisted,
        "supervision_mode": supervision,
    }
    if server is not None:
        with remote_client(server) as client:
            items = [i.model_dump(mode="json") for i in client.institutions(**filters)]
    else:
        from registry.projections import regulator_list

        with open_services() as services:
            services.projector.run_once()
            items, cursor = [], None
            while True:
                page, more = regulator_list.search(
                    services.views.engine,
                    districts=None if district is None else [district],
                    after_credit_code=cursor,
                    limit=PAGE,
                    **{k: v for k, v in filters.items() if k != "district_code"},
                )
                items += page
                if not more:
                    break
                cursor = page[-1]["credit_code"]
    if not items:
        typer.echo("no institution matches")
        return
    rows = [
        [
            i["credit_code"],
            i["name"],
            i["district_code"],
            i["status"],
            i["licence_valid_to"] or "-",
            i["supervision_mode"] or "-",
            str(i["open_rectification_orders"]),
            "yes" if i["blacklisted"] else "",
            "yes" if i.get("legitimate") else "no",
        ]
        for i in items
    ]
    headers = ["CREDIT CODE", "NAME", "DISTRICT", "STATUS", "LICENCE TO", "SUPERVISION"]
    typer.echo(table([*headers, "OPEN ORDERS", "BLACKLISTED", "LEGITIMATE"], rows))
    typer.echo(f"{len(items)} institutions")
