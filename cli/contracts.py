"""``registry contracts``: one prepaid contract's ledger and its events."""

from __future__ import annotations

import json
from typing import Annotated
from uuid import UUID

import typer

from cli.common import OPERATOR, local_time, open_services
from cli.institutions import PAGE, compact
from cli.remote import ServerOption, remote_client

app = typer.Typer(help="Read a training contract's ledger and its events.", no_args_is_help=True)

ContractId = Annotated[UUID, typer.Argument(help="The contract's id (UUID).")]


def yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


@app.command("show")
def show(
    contract_id: ContractId,
    method: Annotated[
        str, typer.Option(help="Unconsumed amount by 'pooled' (default) or 'paid_first'.")
    ] = "pooled",
    as_json: Annotated[bool, typer.Option("--json", help="The whole ledger as JSON.")] = False,
    server: ServerOption = None,
) -> None:
    """The ledger: paid, consumed, released, refunded, what is still owed, and the breaches."""
    if server is not None:
        with remote_client(server) as client:
            view = client.contract(contract_id, method=method).model_dump(mode="json")
    else:
        with open_services() as services:
            view = services.registry.contract(OPERATOR, contract_id, method)
    if as_json:
        typer.echo(json.dumps(view, ensure_ascii=False, indent=2, default=str))
        return
    lessons = view["paid_lessons"] + view["gift_lessons"]
    typer.echo(
        f"contract   {view['id']}  ({view['status']}{', disputed' if view['disputed'] else ''})"
    )
    typer.echo(f"institution {view['institution_id']}  district {view['district_code']}")
    typer.echo(
        f"course     {view['course']}: {view['paid_lessons']} paid + {view['gift_lessons']} gift "
        f"lessons at {yuan(view['price_per_lesson_fen'])} yuan, "
        f"{view['start_date']} to {view['end_date']}"
    )
    typer.echo(f"paid       {yuan(view['paid_fen']):>14} yuan")
    typer.echo(
        f"consumed   {yuan(view['consumed_value_fen']):>14} yuan "
        f"({view['consumed_lessons']} of {lessons} lessons)"
    )
    typer.echo(f"released   {yuan(view['released_fen']):>14} yuan")
    typer.echo(f"refunded   {yuan(view['refunded_fen']):>14} yuan")
    typer.echo(f"unconsumed {yuan(view['unconsumed_fen']):>14} yuan ({view['method']})")
    typer.echo(f"escrow     {yuan(view['escrow_balance_fen']):>14} yuan")
    for breach in view["breaches"]:
        typer.echo(
            f"breach     {breach['rule']} (rule pack {breach['rule_version']}, position "
            f"{breach['position']}): {breach['detail']}"
        )


@app.command("ledger")
def ledger(contract_id: ContractId, server: ServerOption = None) -> None:
    """Every event of the contract, in order: position, version, type, time, actor, data."""
    if server is not None:
        with remote_client(server) as client:
            for event in client.contract_events(contract_id):
                typer.echo(
                    f"{event.position:>8}  v{event.version:<4} {event.type:<30} "
                    f"{local_time(event.recorded_at)}  "
                    f"{event.actor.get('id', '?')}/{event.actor.get('role', '?')}  "
                    f"{compact(event.data)}"
                )
        return
    with open_services() as services:
        after = 0
        while True:
            page = services.registry.contract_ledger(OPERATOR, contract_id, after, PAGE)
            for e in page:
                typer.echo(
                    f"{e.position:>8}  v{e.version:<4} {e.type:<30} {local_time(e.recorded_at)}  "
                    f"{e.actor.get('id', '?')}/{e.actor.get('role', '?')}  {compact(e.data)}"
                )
            if len(page) < PAGE:
                break
            after = page[-1].version
