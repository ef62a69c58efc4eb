"""``registry keys``: issue, list and revoke API keys (stored only as hashes).

On the database by default; with ``--server URL`` through ``/v1/admin/keys`` with the admin
key in ``REGISTRY_API_KEY``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from cli.common import local_time, open_services, table
from cli.remote import ServerOption, remote_client
from registry.domain.districts import district_name

app = typer.Typer(help="Issue, list and revoke API keys.", no_args_is_help=True)

_PERIOD = re.compile(r"^(\d{1,4})([dwy]?)$")
_DAYS = {"": 1, "d": 1, "w": 7, "y": 365}


def parse_period(value: str) -> int:
    """``90d``, ``12w``, ``1y`` or ``30`` → days."""
    match = _PERIOD.match(value.strip().lower())
    days = int(match.group(1)) * _DAYS[match.group(2)] if match else 0
    if not 1 <= days <= 3650:
        raise typer.BadParameter(f"{value!r} is not a period such as 90d, 12w or 1y (≤ 10 years)")
    return days


def describe_districts(codes: tuple[str, ...] | list[str]) -> str:
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
    expires_in: Annotated[
        int | None,
        typer.Option(
            "--expires-in", parser=parse_period, metavar="PERIOD", help="e.g. 90d, 12w, 1y."
        ),
    ] = None,
    server: ServerOption = None,
) -> None:
    """Issue a key; the key itself is printed once, alone on the last line."""
    if server is not None:
        with remote_client(server) as client:
            issued = client.create_key(role, list(district or []), name, expires_in)
        key_id, districts, key_name, expires = (
            issued.id,
            issued.districts,
            issued.name,
            issued.expires_at,
        )
        secret = issued.secret or ""
    else:
        until = datetime.now(UTC) + timedelta(days=expires_in) if expires_in else None
        with open_services() as services:
            info, secret = services.keys.create(role, list(district or []), name, until)
        key_id, districts, key_name, expires = (
            info.id,
            list(info.districts),
            info.name,
            info.expires_at,
        )
    typer.echo(f"created API key {key_id}")
    typer.echo(f"  role:      {role}")
    typer.echo(f"  districts: {describe_districts(districts)}")
    typer.echo(f"  name:      {key_name}")
    typer.echo(f"  expires:   {local_time(expires) if expires else 'never'}")
    typer.echo("The key is shown only now; the registry keeps only its hash:")
    typer.echo(secret)


@app.command("list")
def list_keys(server: ServerOption = None) -> None:
    """Every key ever issued, revoked ones too, with expiry and last use; never the keys."""
    if server is not None:
        with remote_client(server) as client:
            keys = [
                (
                    k.id,
                    k.name,
                    k.role,
                    k.districts,
                    k.created_at,
                    k.expires_at,
                    k.last_used_at,
                    k.revoked_at,
                )
                for k in client.keys()
            ]
    else:
        with open_services() as services:
            keys = [
                (
                    k.id,
                    k.name,
                    k.role,
                    list(k.districts),
                    k.created_at,
                    k.expires_at,
                    k.last_used_at,
                    k.revoked_at,
                )
                for k in services.keys.list()
            ]
    if not keys:
        typer.echo("no API keys yet: create one with `registry keys create --role admin`")
        return
    rows = [
        [
            key_id,
            name,
            role,
            ",".join(districts) or "all",
            local_time(created),
            local_time(expires),
            local_time(used),
            local_time(revoked),
        ]
        for key_id, name, role, districts, created, expires, used, revoked in keys
    ]
    headers = ["ID", "NAME", "ROLE", "DISTRICTS", "CREATED", "EXPIRES", "LAST USED", "REVOKED"]
    typer.echo(table(headers, rows))


@app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id, from `keys list`.")],
    server: ServerOption = None,
) -> None:
    """Revoke a key: requests carrying it are refused from now on."""
    if server is not None:
        with remote_client(server) as client:
            client.revoke_key(key_id)
    else:
        with open_services() as services:
            services.keys.revoke(key_id)
    typer.echo(f"revoked API key {key_id}")
