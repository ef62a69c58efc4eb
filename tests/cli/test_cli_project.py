"""``registry project --only``: an unknown read model is refused before anything runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import CommandLine


def test_projecting_an_unknown_read_model_is_refused_in_one_line_naming_the_known_ones(
    cli: CommandLine,
) -> None:
    message = cli.refused(cli("project", "--only", "public_regster"))

    assert "public_regster" in message
    assert "public_register" in message
