"""A teaching platform's day of lessons, sent from a JSON Lines file in batches: checked line by
line, each fact judged as its single report, and resumable without recording anything twice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

from tests.builders.bodies import TWENTY_LESSONS
from tests.builders.commands import legitimate, paid_contract
from tests.builders.principals import HAIDIAN
from tests.cli.conftest import CommandLine

LESSON = {**TWENTY_LESSONS, "lessons": 1}


def lessons_file(path: Path, contracts: list[UUID], per_contract: int) -> Path:
    """One lesson a line, ``per_contract`` lines for each contract in turn."""
    lines = [
        json.dumps({"kind": "consumption", "contract_id": str(c), **LESSON})
        for _ in range(per_contract)
        for c in contracts
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def consumed(cli: CommandLine, contracts: list[UUID]) -> list[int]:
    registry = cli.services().registry
    return [registry.contract(HAIDIAN, c)["consumed_lessons"] for c in contracts]


def paid_contracts(cli: CommandLine, count: int) -> list[UUID]:
    registry = cli.services().registry
    institution_id = legitimate(registry)
    return [paid_contract(registry, institution_id) for _ in range(count)]


def test_a_file_of_lessons_is_recorded_in_batches_and_a_rerun_records_nothing_twice(
    cli: CommandLine, tmp_path: Path
) -> None:
    contracts = paid_contracts(cli, 3)
    path = lessons_file(tmp_path / "lessons.jsonl", contracts, 4)

    first = cli("feed", "load", str(path), "--batch", "5")
    again = cli("feed", "load", str(path), "--batch", "5")

    assert first.exit_code == 0, first.output
    assert "12 facts" in first.stdout and "recorded 12, refused 0, bad lines 0" in first.stdout
    assert again.exit_code == 0, again.output
    assert "(12 already sent before)" in again.stdout
    assert consumed(cli, contracts) == [4, 4, 4]


def test_a_run_cut_short_is_resumed_by_running_the_whole_file_again(
    cli: CommandLine, tmp_path: Path
) -> None:
    contracts = paid_contracts(cli, 2)
    whole = lessons_file(tmp_path / "lessons.jsonl", contracts, 5)
    cut = tmp_path / "cut.jsonl"
    cut.write_text("".join(whole.read_text().splitlines(keepends=True)[:6]))
    assert cli("feed", "load", str(cut), "--batch", "3").exit_code == 0

    resumed = cli("feed", "load", str(whole), "--batch", "3")

    assert resumed.exit_code == 0, resumed.output
    assert "(6 already sent before)" in resumed.stdout
    assert consumed(cli, contracts) == [5, 5]


def test_bad_lines_and_refused_facts_are_named_by_line_and_the_rest_is_recorded(
    cli: CommandLine, tmp_path: Path
) -> None:
    (contract,) = paid_contracts(cli, 1)
    facts: list[Any] = [
        {"kind": "consumption", "contract_id": str(contract), **LESSON},
        {"kind": "consumption", "contract_id": str(contract), **{**LESSON, "lessons": 500}},
        {"kind": "lesson", "contract_id": str(contract), **LESSON},
        "{not json",
        {"kind": "release", "contract_id": str(contract), "amount_fen": 1},
    ]
    path = tmp_path / "day.jsonl"
    path.write_text("\n".join(f if isinstance(f, str) else json.dumps(f) for f in facts) + "\n")

    result = cli("feed", "load", str(path))

    assert result.exit_code == 1
    assert "recorded 2, refused 1, bad lines 2" in result.stdout
    assert "line 2: refused (422 lessons.within_purchase)" in result.stdout
    assert "line 3: " in result.stdout and "line 4: not JSON" in result.stdout
    assert consumed(cli, [contract]) == [1]
