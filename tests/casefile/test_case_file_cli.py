"""The operator exports the court case file from the command line (``registry export-case``).

The same bytes as the API gives at the same position, the export recorded with the operator as
its actor; an unassessed case or a missing directory fails in one line before anything is
recorded. SQLite and, when reachable, PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

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
