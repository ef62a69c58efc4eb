"""The operator's integrity commands: chain init, checkpoint, signing-key show and verify."""

from __future__ import annotations

from sqlalchemy import text

from registry.demo.generate import generate
from tests.cli.conftest import CommandLine


def test_verify_answers_one_line_and_exit_0_on_an_untouched_log(cli: CommandLine) -> None:
    services = cli.services()
    generate(services.registry, 60)
    head = services.registry.store.head()
    assert cli.last_line(cli("checkpoint")).startswith(f"checkpoint at position {head}: head ")
    result = cli("verify")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        f"{head} events verified to position {head}; last checkpoint {head}"
    )


def test_verify_exits_1_naming_the_position_of_a_changed_event(cli: CommandLine) -> None:
    services = cli.services()
    generate(services.registry, 60)
    table, column = (
        ("stored_events", "rowid")
        if services.settings.backend == "sqlite"
        else ("registry_events", "notification_id")
    )
    with services.engine.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET topic = topic || 'x' WHERE {column} = 17"))
    result = cli("verify")
    assert result.exit_code == 1
    assert result.stderr.startswith("FAILED at position 17: the event differs")
    assert cli("verify", "--from", "18").exit_code == 0


def test_verify_with_views_replays_the_read_models(cli: CommandLine) -> None:
    services = cli.services()
    generate(services.registry, 40)
    services.projector.run_once()
    result = cli("verify", "--views")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].endswith("read model rows match a replay of the log")


def test_signing_key_show_prints_the_public_key_and_its_id(cli: CommandLine) -> None:
    result = cli("signing-key", "show")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("key id ") and "(Ed25519)" in lines[0]
    assert lines[1] == "-----BEGIN PUBLIC KEY-----"
    assert "PRIVATE" not in result.stdout


def test_chain_init_chains_a_log_written_before_once(cli: CommandLine) -> None:
    services = cli.services()
    generate(services.registry, 30)
    head = services.registry.store.head()
    with services.engine.begin() as conn:
        conn.execute(text("DELETE FROM registry_event_chain"))
    assert cli("verify").exit_code == 1
    assert cli.last_line(cli("chain", "init")) == f"chained {head} events up to position {head}"
    assert cli.last_line(cli("chain", "init")) == (
        f"the log is already chained (head at position {head})"
    )
    assert cli("verify").exit_code == 0
