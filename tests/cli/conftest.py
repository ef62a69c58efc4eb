"""The command line as an operator runs it: the ``registry`` app over the test database.

``cli`` runs a command with ``REGISTRY_*`` pointing at the fresh database of the ``settings``
fixture (SQLite always, PostgreSQL when reachable), exactly as the console script reads them,
and opens the registry's services on that database to check what the command did.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner, Result

from cli.main import app
from registry.bootstrap import Services, build_services
from registry.settings import Settings


class CommandLine:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.runner = CliRunner()
        self.env = {
            "REGISTRY_DATABASE_URL": settings.database_url,
            "REGISTRY_DATABASE_SCHEMA": settings.database_schema,
            "REGISTRY_SIGNING_KEY_FILE": settings.signing_key_path(),
        }
        self._opened: list[Services] = []

    def __call__(self, *args: str, **env: str) -> Result:
        """Run ``registry ARGS...``; ``env`` adds or overrides ``REGISTRY_*`` variables."""
        return self.runner.invoke(app, list(args), env={**self.env, **env})

    def services(self) -> Services:
        """The registry's services, opened now (after the commands ran), closed after the test."""
        self._opened.append(build_services(self.settings))
        return self._opened[-1]

    def close(self) -> None:
        for services in self._opened:
            services.close()

    @staticmethod
    def last_line(result: Result) -> str:
        assert result.exit_code == 0, result.output
        return result.stdout.strip().splitlines()[-1]

    @staticmethod
    def refused(result: Result, code: int = 1) -> str:
        """Assert a clean failure: exit ``code``, one line on stderr, no traceback; the line."""
        assert result.exit_code == code, result.output
        assert isinstance(result.exception, SystemExit), repr(result.exception)
        assert "Traceback" not in result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("error: ")
        return lines[0]


@pytest.fixture
def cli(settings: Settings) -> Iterator[CommandLine]:
    command_line = CommandLine(settings)
    yield command_line
    command_line.close()
