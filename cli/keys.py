"""``registry keys``: issue, list and revoke API keys (stored only as hashes)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.common import local_time, open_services, table
from registry.domain.districts import district_name

app = typer.Typer(help="Issue, list and revoke API keys.", no_args_is_help=True)


def describe_districts(codes: tuple[str, ...]) -> str:
    if not codes:
        return "all"
    return ", ".join(f"{c} {district_name(c)}" if district_name(c) else c for c in codes)


@app.command("create")
def create(
    role: Annotated[str, typer.Option(help="regulator, feed, court or admin")],
    district: Annotated[
        list[str] | None,
        typer.Option(help="District code the key may act in; repeat for several."),
    ] = None,
    name: Annotated[str, typer.Option(help="Who holds the key, e.g. 海淀区教委 监管科.")] = "",
) -> None:
    """Issue a key; the key itself is printed once, alone on the last line."""
    with open_services() as services:
        info, secret = services.keys.create(role, list(district or []), name)
    typer.echo(f"created API key {info.id}")
    typer.echo(f"  role:      {info.role}")
    typer.echo(f"  districts: {describe_districts(info.districts)}")
    typer.echo(f"  name:      {info.name}")
    typer.echo("The key is shown only now; the registry keeps only its hash:")
    typer.echo(secret)


@app.command("list")
def list_keys() -> None:
    """Every key ever issued, revoked ones too; never the keys themselves."""
    with open_services() as services:
        keys = services.keys.list()
    if not keys:
        typer.echo("no API keys yet: create one with `registry keys create --role admin`")
        return
    rows = [
        [
            k.id,
            k.name,
            k.role,
            ",".join(k.districts) or "all",
            local_time(k.created_at),
            local_time(k.revoked_at),
        ]
        for k in keys
    ]
    typer.echo(table(["ID", "NAME", "ROLE", "DISTRICTS", "CREATED", "REVOKED"], rows))


@app.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="The key's id, from `keys list`.")]) -> None:
    """Revoke a key: requests carrying it are refused from now on."""
    with open_services() as services:
        services.keys.revoke(key_id)
    typer.echo(f"revoked API key {key_id}")
