"""``registry calendar``: load school calendar files and show what the log holds.

``load FILE`` checks the whole file first and refuses it with the first problem named; then it
records the entries that differ from the log and says which. Loading the same file again
records nothing. ``show`` lists the holidays and vacations recorded, by province and year.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.common import OPERATOR, CliError, open_services, table

app = typer.Typer(help="School calendars: statutory holidays and vacations.", no_args_is_help=True)


@app.command("load")
def load(
    file: Annotated[Path, typer.Argument(help="A calendar file (JSON, see docs/domain.md).")],
) -> None:
    """Record a calendar file's new and changed holidays and vacations."""
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except OSError as e:
        raise CliError(f"cannot read {file}: {e.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CliError(f"{file} is not a UTF-8 JSON file: {e}") from None
    with open_services() as services:
        outcome = services.registry.load_calendar(OPERATOR, document)
    if not outcome.changed:
        typer.echo(f"Nothing changed: {_entries(outcome.unchanged)} recorded already.")
        return
    typer.echo(
        f"Recorded {_entries(len(outcome.changed))} at position {outcome.position} "
        f"({outcome.unchanged} unchanged):"
    )
    for key in outcome.changed:
        typer.echo(f"  {key}")


@app.command("show")
def show(
    province: Annotated[
        str | None, typer.Option(help="Two-digit province code, e.g. 44 (广东省).")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Only this year.")] = None,
) -> None:
    """The statutory holidays and school vacations recorded, with their sources."""
    with open_services() as services:
        services.registry.calendars.ensure_recorded()
        found = services.registry.school_calendars(province, year)
    if found["holidays"]:
        typer.echo(_holidays(found["holidays"]))
    if found["vacations"]:
        typer.echo(_vacations(found["vacations"]))
    if not found["holidays"] and not found["vacations"]:
        typer.echo("No calendar recorded for that province and year.")


def _entries(count: int) -> str:
    return "1 entry" if count == 1 else f"{count} entries"


def _span(start: str, end: str) -> str:
    return start if start == end else f"{start} … {end}"


def _holidays(entries: list[dict[str, Any]]) -> str:
    rows = []
    for entry in entries:
        days = "; ".join(f"{d['name']} {_span(d['start'], d['end'])}" for d in entry["days_off"])
        rows.append([str(entry["year"]), entry["provenance"], days])
        rows.append(["", "", "make-up working days: " + (", ".join(entry["workdays"]) or "none")])
    notes = "\n".join(f"  {e['year']}: {e['source']}" for e in entries)
    return (
        "Statutory holidays\n"
        + table(["year", "provenance", "days off"], rows)
        + "\nSources:\n"
        + notes
        + "\n"
    )


def _vacations(entries: list[dict[str, Any]]) -> str:
    rows = [
        [
            e["province"],
            e["province_name"],
            str(e["year"]),
            e["provenance"],
            "; ".join(f"{p['kind']} {_span(p['start'], p['end'])}" for p in e["periods"]),
        ]
        for e in entries
    ]
    sources = sorted({(e["provenance"], e["source"]) for e in entries})
    sources = [(provenance, source) for provenance, source in sources if provenance != "default"]
    defaults = [e for e in entries if e["provenance"] == "default"]
    notes = [f"  {provenance}: {source}" for provenance, source in sources]
    if defaults:
        notes.append(f"  default ({_entries(len(defaults))}): {defaults[0]['source']}")
    return (
        "School vacations\n"
        + table(["code", "province", "year", "provenance", "periods"], rows)
        + "\nSources:\n"
        + "\n".join(notes)
    )
