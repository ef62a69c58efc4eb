"""``registry demo --institutions N``: generated institutions at scale, resumable, projected."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from registry.demo.scale_identity import identity
from registry.domain.uscc import CreditCode
from registry.projections import public_register as pub
from registry.projections import refund_tracking as rt
from registry.settings import Settings

if TYPE_CHECKING:
    from conftest import CommandLine

SEED = 11
N = 40


@pytest.fixture
def other(cli: CommandLine, settings: Settings, tmp_path: Path) -> Iterator[CommandLine]:
    """A second, empty database of the same backend, with its own command line."""
    if settings.backend == "sqlite":
        second = Settings(database_url=f"sqlite:///{tmp_path / 'other.db'}")
    else:
        second = Settings(
            database_url=settings.database_url, database_schema=settings.database_schema + "_b"
        )
    command_line = type(cli)(second)
    yield command_line
    command_line.close()
    if settings.backend == "postgresql":
        import psycopg

        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{second.database_schema}" CASCADE')


def scale_demo(cli: CommandLine, *extra: str) -> str:
    result = cli(
        "demo",
        "--institutions",
        str(N),
        "--contracts-per-institution",
        "2",
        "--seed",
        str(SEED),
        "--batch-events",
        "60",
        *extra,
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def what_is_stored(cli: CommandLine) -> dict[str, object]:
    """Counts that do not depend on random ids: events by type, views by status."""
    services = cli.services()
    notifications = services.registry.store.recorder.select_notifications(start=1, limit=10**6)
    with services.engine.connect() as conn:
        statuses = dict(
            conn.execute(
                select(pub.institutions.c.status, func.count()).group_by(pub.institutions.c.status)
            ).all()
        )
        contracts = conn.execute(select(func.count()).select_from(rt.contracts)).scalar()
        names = sorted(conn.execute(select(pub.institutions.c.credit_code)).scalars())
    return {
        "events": Counter(n.topic.rsplit(".", 1)[-1] for n in notifications),
        "statuses": statuses,
        "contracts": contracts,
        "credit_codes": names,
        "projected": set(services.projector.positions().values()),
        "head": services.registry.store.recorder.max_notification_id(),
    }


def test_the_scale_demo_loads_and_projects_every_generated_institution(cli: CommandLine) -> None:
    out = scale_demo(cli)

    stored = what_is_stored(cli)
    assert "projector:" in out and "Time: load" in out
    assert sum(stored["statuses"].values()) >= N  # type: ignore[union-attr]
    assert stored["projected"] == {stored["head"]}, "every view is up to date"
    assert stored["contracts"] > 0
    events: Counter[str] = stored["events"]  # type: ignore[assignment]
    assert events["InstitutionRegistered"] >= N
    for kind in ("LicenceIssued", "InspectionRecorded", "PrepaidFeeCollected", "LessonsConsumed"):
        assert events[kind] > 0, kind


def test_an_interrupted_load_resumed_ends_with_what_an_uninterrupted_one_writes(
    cli: CommandLine, other: CommandLine
) -> None:
    interrupted = scale_demo(cli, "--stop-after", "2")
    assert "Stopped after 2 batch(es)" in interrupted
    partial = what_is_stored(cli)
    assert 0 < partial["events"]["InstitutionRegistered"] < N  # type: ignore[index]

    resumed = scale_demo(cli)
    assert "were already loaded: resumed after them" in resumed
    scale_demo(other)  # the same seed, at once, into a database of its own

    after_resuming, at_once = what_is_stored(cli), what_is_stored(other)
    assert after_resuming["events"] == at_once["events"]
    assert after_resuming["statuses"] == at_once["statuses"]
    assert after_resuming["contracts"] == at_once["contracts"]
    assert after_resuming["credit_codes"] == at_once["credit_codes"]


def test_running_the_scale_demo_again_adds_nothing(cli: CommandLine) -> None:
    scale_demo(cli)
    before = what_is_stored(cli)

    again = scale_demo(cli)

    assert f"1..{N} were already loaded" in again
    assert what_is_stored(cli)["events"] == before["events"]


def test_generated_credit_codes_are_valid_and_distinct() -> None:
    codes = [identity(SEED, n).credit_code for n in range(1, 2001)]

    assert len(set(codes)) == len(codes)
    for code in codes[:200]:
        assert CreditCode.parse(code).value == code
