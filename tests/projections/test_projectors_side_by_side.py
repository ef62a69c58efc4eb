"""Read models kept by separate projector processes (``registry project --only``).

Each read model has its own position, moved compare-and-set with its rows, so processes keeping
different read models apply the same log side by side, and together they build what one
projector keeping them all builds. SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from registry.bootstrap import Services, all_projections, build_services
from registry.demo.generate import generate
from registry.settings import Settings

if TYPE_CHECKING:
    from conftest import Replay

REPO = Path(__file__).resolve().parents[2]


def env_of(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "REGISTRY_DATABASE_URL": settings.database_url,
        "REGISTRY_DATABASE_SCHEMA": settings.database_schema,
        "REGISTRY_SIGNING_KEY_FILE": settings.signing_key_path(),
        "REGISTRY_LOG_LEVEL": "WARNING",
    }


def test_projectors_each_keeping_some_read_models_build_together_what_one_builds_alone(
    settings: Settings, services: Services, replay: Replay
) -> None:
    generate(services.registry, 1_500, seed=5)
    names = [p.name for p in all_projections()]
    groups = [names[0::2], names[1::2]]
    apart = [build_services(settings, only=group) for group in groups]
    try:
        for projector in apart:
            projector.projector.batch_size = 200
        threads = [threading.Thread(target=s.projector.run_once) for s in apart]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        for one, group in zip(apart, groups, strict=True):
            assert set(one.projector.positions()) == set(group)
    finally:
        for one in apart:
            one.close()

    assert services.projector.positions() == dict.fromkeys(names, replay.head())
    replay.assert_same_rows_as_a_clean_rebuild()


def test_a_projector_keeping_one_read_model_moves_that_read_models_position_only(
    settings: Settings, services: Services, replay: Replay
) -> None:
    generate(services.registry, 300, seed=6)
    services.projector.rebuild()
    head = replay.head()
    only = build_services(settings, only=["refund_tracking"])
    try:
        assert only.projector.rebuild() == head
    finally:
        only.close()
    assert services.projector.positions() == dict.fromkeys(services.projector.projections, head)
    generate(services.registry, 100, seed=7)
    only = build_services(settings, only=["refund_tracking"])
    try:
        only.projector.run_once()
    finally:
        only.close()
    moved = services.projector.positions()
    assert moved.pop("refund_tracking") == replay.head()
    assert set(moved.values()) == {head}, "the other read models wait for their own projector"


def test_registry_project_only_runs_the_named_read_models_until_stopped(
    settings: Settings, services: Services, replay: Replay
) -> None:
    generate(services.registry, 300, seed=8)
    head = replay.head()
    registry = Path(sys.executable).parent / "registry"
    process = subprocess.Popen(
        [str(registry), "project", "--only", "stream_districts", "--only", "refund_cases"],
        env=env_of(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            positions = services.projector.positions()
            if positions["stream_districts"] == positions["refund_cases"] == head:
                break
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "projecting refund_cases, stream_districts" in output
    positions = services.projector.positions()
    assert positions.pop("stream_districts") == positions.pop("refund_cases") == head
    assert set(positions.values()) == {0}, "no other read model was applied"
    assert replay.head() == head, "no day review, reaction or checkpoint was written"


def test_projectors_of_every_read_model_started_at_once_on_a_new_database_all_start(
    settings: Settings,
) -> None:
    started: list[Services] = []
    failures: list[BaseException] = []

    def start(name: str) -> None:
        try:
            started.append(build_services(settings, only=[name]))
        except BaseException as e:  # noqa: BLE001 (reported by the assertion below)
            failures.append(e)

    threads = [threading.Thread(target=start, args=(p.name,)) for p in all_projections()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for services in started:
        services.close()
    assert failures == []
    assert len(started) == len(all_projections())
