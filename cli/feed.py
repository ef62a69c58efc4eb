"""``registry feed load FILE.jsonl``: a bank's or platform's file of facts, sent in batches.

One fact a line, as in ``POST /v1/feed-batches``: ``{"kind": "payment", "contract_id": …,
"amount_fen": …}``. Lines are checked first (a bad line is reported with its number and not
sent); the good ones go in batches through the batch feed, to the database by default (as the
command-line operator) or through the API with ``--server URL`` and the key in
``REGISTRY_API_KEY`` (as that key).

A batch's id is derived from its lines (their numbers and bytes), so running the same file
again, after an interruption or a crash, sends the same batches under the same ids: those
already recorded are answered from the first time and nothing is recorded twice. Resume with
the same ``--batch`` size, which fixes where the batches begin.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import TypeAdapter, ValidationError

from api.feed_batches import report_batch
from api.schemas.feed_batches import Fact, FeedBatch
from cli.common import OPERATOR
from cli.remote import LocalOrRemote, ServerOption, progress_bar
from registry.application.feed_batches import MAX_FACTS

app = typer.Typer(help="Facts reported by banks and teaching platforms.", no_args_is_help=True)

FACT = TypeAdapter(Fact)


@dataclass(frozen=True)
class Line:
    number: int
    raw: bytes
    fact: Any


def read_lines(file: Path, problems: list[str]) -> list[Line]:
    """The file's facts, checked; each bad line goes to ``problems`` with its number."""
    good: list[Line] = []
    with file.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                fact = FACT.validate_python(json.loads(raw))
            except (ValueError, ValidationError) as e:
                problems.append(f"line {number}: {_why(e)}")
                continue
            good.append(Line(number, raw.rstrip(b"\r\n"), fact))
    return good


def _why(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{where}: {first['msg']}" if where else str(first["msg"])
    return f"not JSON: {error}"


def batch_id(chunk: Sequence[Line]) -> str:
    """The same lines at the same place always make the same id."""
    digest = hashlib.sha256()
    for line in chunk:
        digest.update(f"{line.number}:".encode())
        digest.update(line.raw)
        digest.update(b"\n")
    return f"jsonl-{chunk[0].number}-{chunk[-1].number}-{digest.hexdigest()[:32]}"


def chunks(lines: list[Line], size: int) -> Iterator[list[Line]]:
    for start in range(0, len(lines), size):
        yield lines[start : start + size]


@app.command("load")
def load(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSON Lines.")],
    batch: Annotated[
        int, typer.Option(min=1, max=MAX_FACTS, help="Facts per batch (keep it to resume).")
    ] = MAX_FACTS,
    server: ServerOption = None,
) -> None:
    """Send a file of payments, lessons, releases and refunds through the batch feed."""
    problems: list[str] = []
    started = time.perf_counter()
    lines = read_lines(file, problems)
    bad = len(problems)
    counts: Counter[str] = Counter()
    progress = progress_bar("reporting")
    with progress, _sender(server) as send:
        task = progress.add_task("facts", total=len(lines))
        for chunk in chunks(lines, batch):
            facts = [line.fact for line in chunk]
            answer, replayed = send(FeedBatch(batch_id=batch_id(chunk), facts=facts))
            counts["replayed" if replayed else "sent"] += len(chunk)
            for line, result in zip(chunk, answer["results"], strict=True):
                counts[result["status"]] += 1
                refusal = result.get("refusal")
                if refusal is not None:
                    rule = f" {refusal['rule']}" if refusal.get("rule") else ""
                    problems.append(
                        f"line {line.number}: refused ({refusal['status']}{rule}): "
                        f"{refusal['detail']}"
                    )
            progress.advance(task, len(chunk))
    seconds = time.perf_counter() - started
    typer.echo(
        f"{len(lines)} facts in {seconds:.1f} s ({len(lines) / max(seconds, 1e-9):,.0f} facts/s): "
        f"recorded {counts['recorded']}, refused {counts['refused']}, "
        f"bad lines {bad}"
        + (f" ({counts['replayed']} already sent before)" if counts["replayed"] else "")
    )
    for problem in problems:
        typer.echo(f"  {problem}")
    if problems:
        raise typer.Exit(1)


class _sender(LocalOrRemote):
    """Sends a batch to the database, or through the API with ``--server``; its answer and
    whether it was answered from an earlier run."""

    def __call__(self, batch: FeedBatch) -> tuple[dict[str, Any], bool]:
        if self.server is None:
            answer = report_batch(self.services, OPERATOR, batch)
            return answer.body, answer.replayed
        result = self.client.report_facts(batch.batch_id, batch.commands())
        return result.model_dump(mode="json"), result.replayed
