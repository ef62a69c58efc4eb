"""``registry calendar``: an operator loads school calendar files and reads what is recorded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conftest import CommandLine

GUANGDONG_2026 = {
    "format": "registry.school-calendars/1",
    "vacations": [
        {
            "province": "44",
            "year": 2026,
            "provenance": "published",
            "source": "广东省教育厅 2025—2026学年校历 (test file)",
            "periods": [{"kind": "summer", "start": "2026-07-04", "end": "2026-08-31"}],
        }
    ],
}


def written(tmp_path: Path, document: Any, name: str = "calendar.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_loading_a_calendar_file_reports_what_changed_and_again_that_nothing_did(
    cli: CommandLine, tmp_path: Path
) -> None:
    file = written(tmp_path, GUANGDONG_2026)

    first = cli("calendar", "load", file)
    second = cli("calendar", "load", file)

    assert first.exit_code == 0, first.output
    assert "Recorded 1 entry at position" in first.stdout and "vacations 44/2026" in first.stdout
    assert second.exit_code == 0, second.output
    assert "Nothing changed: 1 entry recorded already." in second.stdout


def test_showing_a_province_lists_its_holidays_and_vacations_with_their_provenance(
    cli: CommandLine, tmp_path: Path
) -> None:
    cli("calendar", "load", written(tmp_path, GUANGDONG_2026))

    shown = cli("calendar", "show", "--province", "44", "--year", "2026")

    assert shown.exit_code == 0, shown.output
    assert "广东省" in shown.stdout
    assert "summer 2026-07-04 … 2026-08-31" in shown.stdout
    assert "国庆节 2026-10-01 … 2026-10-07" in shown.stdout
    assert "published" in shown.stdout


def test_show_on_a_new_database_records_the_repository_calendar_first(cli: CommandLine) -> None:
    shown = cli("calendar", "show", "--province", "65", "--year", "2027")

    assert shown.exit_code == 0, shown.output
    assert "新疆维吾尔自治区" in shown.stdout
    assert "provisional" in shown.stdout and "default" in shown.stdout


def test_a_calendar_file_with_an_inverted_period_is_refused_in_one_line_naming_the_rule(
    cli: CommandLine, tmp_path: Path
) -> None:
    bad = json.loads(json.dumps(GUANGDONG_2026))
    bad["vacations"][0]["periods"][0].update(start="2026-08-31", end="2026-07-04")
    cli("calendar", "show")
    head = cli.services().registry.store.head()

    line = cli.refused(cli("calendar", "load", written(tmp_path, bad)))

    assert "(rule calendar.dates)" in line
    assert cli.services().registry.store.head() == head


def test_a_file_that_is_not_json_or_not_there_is_refused_in_one_line(
    cli: CommandLine, tmp_path: Path
) -> None:
    not_json = tmp_path / "calendar.json"
    not_json.write_text("{not json", encoding="utf-8")

    assert "not a UTF-8 JSON file" in cli.refused(cli("calendar", "load", str(not_json)))
    assert "cannot read" in cli.refused(cli("calendar", "load", str(tmp_path / "missing.json")))
