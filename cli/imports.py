"""``registry import institutions FILE``: bring an existing register in (CSV or XLSX).

To the database by default (as the command-line operator), or through the API with
``--server URL`` and the key in ``REGISTRY_API_KEY`` (as that key). Either way an institution
is identified by its credit code, so a rerun, or a run resumed after an interruption, adds
nothing twice. ``--dry-run`` checks every row and writes nothing.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Literal

import typer

from cli.common import OPERATOR, CliError
from cli.import_rows import FileProblem, RowProblem, entries
from cli.remote import LocalOrRemote, ServerOption, progress_bar
from registry.application.imports import ImportEntry, ImportOutcome
from registry.domain.errors import Conflict, RegistryError, RuleViolation
from registry.domain.institution import Institution

app = typer.Typer(help="Bring records of an existing register in.", no_args_is_help=True)

Result = Literal["added", "completed", "present", "refused"]


def _batches(
    rows: Iterable[tuple[int, ImportEntry | list[RowProblem]]], size: int
) -> Iterator[list[tuple[int, ImportEntry | list[RowProblem]]]]:
    batch: list[tuple[int, ImportEntry | list[RowProblem]]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _refusal(line: int, error: RegistryError) -> RowProblem:
    rule = f"rule {error.rule}: " if isinstance(error, RuleViolation) else ""
    return RowProblem(line, getattr(error, "field", None), f"{rule}{error.detail}")


def _through_api(client: object, entry: ImportEntry, dry_run: bool) -> ImportOutcome:
    """One entry through the API: register, then what the institution still lacks.

    Each write's Idempotency-Key is derived from the credit code, so a retried or rerun write
    is answered from the first time instead of being applied again.
    """
    from registry.client import RegistryClient

    assert isinstance(client, RegistryClient)
    code = entry.register.credit_code
    iid = Institution.create_id(code)
    if dry_run:
        return ImportOutcome("present")
    result: Result = "present"
    try:
        written = client.register_institution(entry.register, idempotency_key=f"import:{code}")
        result = "present" if written.replayed else "added"
    except Conflict:
        pass
    view = client.institution(iid)
    for step, command, missing in (
        ("licence", entry.licence, view.licence is None),
        ("supervision", entry.supervision, view.supervision is None),
    ):
        if command is None or not missing:
            continue
        done = client.execute(
            dataclasses.replace(command, institution_id=iid),
            idempotency_key=f"import:{code}:{step}",
        )
        if not done.replayed and result == "present":
            result = "completed"
    return ImportOutcome(result)


@app.command("institutions")
def institutions(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="CSV (UTF-8 or GBK) or XLSX.")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row, print the report, write nothing.")
    ] = False,
    encoding: Annotated[
        str, typer.Option(help="CSV encoding: auto (UTF-8, else GBK), utf-8, gbk.")
    ] = "auto",
    batch: Annotated[int, typer.Option(min=1, max=5000, help="Rows per transaction.")] = 500,
    server: ServerOption = None,
) -> None:
    """Import institutions: credit code, name, district, category, subjects, delivery, legal
    form, representative, and optionally licence and fund supervision, one row each."""
    counts: Counter[str] = Counter()
    problems: list[RowProblem] = []
    started = time.perf_counter()
    try:
        rows = list(entries(file, encoding))
    except FileProblem as e:
        raise CliError(str(e)) from None
    progress = progress_bar("importing")
    with progress, _writer(server) as write:
        task = progress.add_task("rows", total=len(rows))
        for chunk in _batches(rows, batch):
            good = [(line, e) for line, e in chunk if isinstance(e, ImportEntry)]
            for _, bad in chunk:
                if not isinstance(bad, ImportEntry):
                    problems.extend(bad)
                    counts["refused"] += 1
            for (line, _), outcome in zip(good, write([e for _, e in good], dry_run), strict=True):
                counts[outcome.result] += 1
                if outcome.error is not None:
                    problems.append(_refusal(line, outcome.error))
            progress.advance(task, len(chunk))
    seconds = time.perf_counter() - started
    verb = "would add" if dry_run else "added"
    typer.echo(
        f"{len(rows)} rows in {seconds:.1f} s ({len(rows) / max(seconds, 1e-9):,.0f} rows/s): "
        f"{verb} {counts['added']}, completed {counts['completed']}, "
        f"already present {counts['present']}, refused {counts['refused']}"
        + (" (dry run: nothing written)" if dry_run else "")
    )
    for problem in sorted(problems, key=lambda p: p.line):
        typer.echo(f"  {problem}")
    if problems:
        raise typer.Exit(1)


class _writer(LocalOrRemote):
    """Writes batches of entries to the database, or through the API with ``--server``."""

    def __call__(self, batch: list[ImportEntry], dry_run: bool) -> list[ImportOutcome]:
        if self.server is None:
            outcomes, _ = self.services.registry.import_institutions(
                OPERATOR, batch, save=not dry_run
            )
            return outcomes
        found = []
        for entry in batch:
            try:
                found.append(_through_api(self.client, entry, dry_run))
            except RegistryError as e:
                found.append(ImportOutcome("refused", e))
        return found
