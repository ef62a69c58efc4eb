"""The operator exports the court case file from the command line (``registry export-case``).

The same bytes as the API gives at the same position, the export recorded with the operator as
its actor; an unassessed case or a missing directory fails in one line before anything is
recorded. SQLite and, when reachable, PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

import pytest
from typer.testing import CliRunner, Result

from cli.main import app as cli_app
from registry.domain.events import CaseFileExported
from registry.settings import Settings

if TYPE_CHECKING:
    from conftest import Dispute

EXPORT_NEEDS_ASSESSMENT = "refund_case.export_needs_assessment"


# -- from the command line -------------------------------------------------------------------


def _registry_command(settings: Settings, *args: str) -> Result:
    env = {
        "REGISTRY_DATABASE_URL": settings.database_url,
        "REGISTRY_DATABASE_SCHEMA": settings.database_schema,
        "REGISTRY_SIGNING_KEY_FILE": settings.signing_key_path(),
    }
    return CliRunner().invoke(cli_app, list(args), env=env)


def test_the_operator_exports_the_same_case_file_from_the_command_line(
    dispute: Dispute, settings: Settings, tmp_path: Path
) -> None:
    by_api = dispute.case_file()
    out = tmp_path / "案卷" / "case.zip"
    out.parent.mkdir()

    result = _registry_command(
        settings,
        "export-case",
        dispute.case_id,
        "--out",
        str(out),
        "--position",
        str(by_api.position),
    )

    assert result.exit_code == 0, result.output
    assert out.read_bytes() == by_api.archive
    assert by_api.answer.headers["X-Manifest-SHA256"] in result.stdout
    assert not list(out.parent.glob("*.partial"))
    recorded = dispute.services.registry.event_log.events(UUID(dispute.case_id))[-1]
    assert recorded.type == CaseFileExported.__name__
    assert recorded.actor["role"] == "admin"


def test_exporting_an_unassessed_case_from_the_command_line_fails_and_writes_nothing(
    unassessed: Dispute, settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "case.zip"
    head = unassessed.head()

    result = _registry_command(settings, "export-case", unassessed.case_id, "--out", str(out))

    assert result.exit_code == 1
    assert EXPORT_NEEDS_ASSESSMENT in result.stderr
    assert not out.exists()
    assert unassessed.head() == head


def test_exporting_into_a_directory_that_does_not_exist_fails_before_anything_is_recorded(
    dispute: Dispute, settings: Settings, tmp_path: Path
) -> None:
    head = dispute.head()

    result = _registry_command(
        settings, "export-case", dispute.case_id, "--out", str(tmp_path / "missing" / "c.zip")
    )

    assert result.exit_code == 1
    assert result.stderr.startswith("error: no directory")
    assert "Traceback" not in result.output
    assert dispute.head() == head


def test_an_existing_partial_symlink_is_never_followed(
    dispute: Dispute, settings: Settings, tmp_path: Path
) -> None:
    victim = tmp_path / "elsewhere.txt"
    victim.write_text("not to be overwritten")
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "case.zip"
    (folder / "case.zip.partial").symlink_to(victim)

    result = _registry_command(settings, "export-case", dispute.case_id, "--out", str(out))

    assert result.exit_code == 0, result.output
    assert victim.read_text() == "not to be overwritten"
    assert out.read_bytes()[:2] == b"PK" and not out.is_symlink()
    assert sorted(p.name for p in folder.iterdir()) == ["case.zip", "case.zip.partial"]


def test_a_failed_write_records_no_export_and_leaves_nothing_behind(
    dispute: Dispute, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cli.casefile

    def full_disk(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli.casefile.os, "fsync", full_disk)
    head = dispute.head()
    folder = tmp_path / "out"
    folder.mkdir()

    result = _registry_command(
        settings, "export-case", dispute.case_id, "--out", str(folder / "case.zip")
    )

    assert result.exit_code == 1
    assert "No space left on device" in result.stderr and "nothing recorded" in result.stderr
    assert list(folder.iterdir()) == []
    assert dispute.head() == head


def test_verify_case_checks_a_file_and_names_what_was_altered(
    dispute: Dispute, settings: Settings, tmp_path: Path
) -> None:
    import io
    import zipfile

    out = tmp_path / "case.zip"
    assert (
        _registry_command(settings, "export-case", dispute.case_id, "--out", str(out)).exit_code
        == 0
    )

    result = _registry_command(settings, "verify-case", str(out))

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"case.zip verified: case {dispute.case_id} at position ")
    source = zipfile.ZipFile(io.BytesIO(out.read_bytes()))
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data + b"1,forged\r\n" if name == "ledger.csv" else data)

    refused = _registry_command(settings, "verify-case", str(forged))

    assert refused.exit_code == 1
    assert "ledger.csv does not match" in refused.stderr
