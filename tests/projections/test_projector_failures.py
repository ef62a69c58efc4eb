"""The projector stops at an event it cannot apply, and two projectors never apply a batch twice.

A projection that cannot apply an event stops the projector at that event, says which, keeps
nothing of the batch, and resumes there once fixed. Two projectors (or two runners) on one
database race for the same batch; one applies it, the other moves on. Either way the views end
as a clean rebuild gives them. SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import func, select

from registry.bootstrap import Services, build_services
from registry.demo.generate import generate
from registry.domain.events import LessonsConsumed
from registry.projections.base import ProjectionFailed
from registry.projections.projector import ConcurrentProjector
from registry.projections.public_register import versions as pub_versions
from registry.projections.refund_tracking import contracts as rt_contracts
from registry.runner import ProjectorRunner
from registry.settings import Settings

if TYPE_CHECKING:
    from conftest import Replay

# About 800 events read in batches of 50: the failing event sits in the middle of a batch
# well into the log.
BATCH = 50


@pytest.fixture
def broken_ledger(services: Services, replay: Replay, monkeypatch: pytest.MonkeyPatch) -> int:
    """Refund tracking cannot apply one LessonsConsumed in the middle of the fifth batch;
    answers that event's position."""
    generate(services.registry, 800, seed=11)
    services.projector.batch_size = BATCH
    failing = next(p for p in replay.positions_of(LessonsConsumed) if p > 4 * BATCH + 10)
    ledger = services.projector.projections["refund_tracking"]
    handle = ledger.handle

    def broken(fact: Any) -> None:
        if fact.position == failing:
            raise ValueError("the ledger cannot take these lessons")
        handle(fact)

    monkeypatch.setattr(ledger, "handle", broken)
    return failing


def test_a_handler_error_stops_the_projector_at_that_event_and_names_it(
    services: Services, broken_ledger: int
) -> None:
    batch_start = (broken_ledger - 1) // BATCH * BATCH

    with pytest.raises(ProjectionFailed) as failed:
        services.projector.run_once()

    assert failed.value.projection == "refund_tracking"
    assert failed.value.fact is not None and failed.value.fact.position == broken_ledger
    assert f"{LessonsConsumed.__name__} at position {broken_ledger}" in str(failed.value)
    assert services.projector.positions()["refund_tracking"] == batch_start
    with services.engine.connect() as conn:
        latest = conn.execute(select(func.max(rt_contracts.c.position))).scalar()
    assert latest is not None and latest <= batch_start, "no row of the failed batch is kept"
    # It never skips the event: a second run stops at the same event, in the same place.
    with pytest.raises(ProjectionFailed) as again:
        services.projector.run_once()
    assert again.value.fact is not None and again.value.fact.position == broken_ledger
    assert services.projector.positions()["refund_tracking"] == batch_start


def test_a_projector_restarted_after_the_fix_resumes_at_the_failed_event(
    services: Services, replay: Replay, broken_ledger: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ProjectionFailed):
        services.projector.run_once()
    stopped_at = services.projector.positions()["refund_tracking"]

    monkeypatch.undo()  # the fix is deployed
    read = services.projector.run_once()

    assert read == replay.head() - stopped_at, "it resumes where it stopped, not from the start"
    assert set(services.projector.positions().values()) == {replay.head()}
    replay.assert_same_rows_as_a_clean_rebuild()


def test_a_row_the_database_refuses_stops_the_projector_with_nothing_of_that_batch_kept(
    services: Services, replay: Replay, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the rows of a batch are written together when every read model has
    applied it: a row refused there fails the whole batch, as one refused at once does."""
    generate(services.registry, 400, seed=5)
    services.projector.batch_size = BATCH
    ledger = services.projector.projections["refund_tracking"]
    flush, flushed = ledger.flush, [0]

    def refusing(conn: Any) -> None:
        flushed[0] += 1
        if flushed[0] == 3:  # a contract without a status: the table refuses it
            ledger.rows[sorted(ledger.changed)[0]]["status"] = None  # type: ignore[attr-defined]
        flush(conn)

    monkeypatch.setattr(ledger, "flush", refusing)
    with pytest.raises(ProjectionFailed) as failed:
        services.projector.run_once()

    assert "refund_tracking" in failed.value.projection
    stopped_at = services.projector.positions()["refund_tracking"]
    assert set(services.projector.positions().values()) == {stopped_at}
    with services.engine.connect() as conn:
        latest = conn.execute(select(func.max(rt_contracts.c.position))).scalar()
        published = conn.execute(select(func.max(pub_versions.c.position))).scalar()
    assert latest is not None and latest <= stopped_at, "no contract row of the batch is kept"
    assert published is None or published <= stopped_at, "nor a row of another read model"
    monkeypatch.undo()
    services.projector.run_once()
    replay.assert_same_rows_as_a_clean_rebuild()


def overlap_the_first_batch(*projectors: Services) -> None:
    """Make the public register of each projector read the first batch before any of them
    writes it, so they race for the same batch instead of happening to take turns."""
    everyone = threading.Barrier(len(projectors))
    for services in projectors:
        projection = services.projector.projections["public_register"]
        load, first = projection.load, [True]

        def racing_load(conn: Any, facts: Any, load: Any = load, first: list[bool] = first) -> None:
            load(conn, facts)
            if first[0]:
                first[0] = False
                try:
                    everyone.wait(timeout=1.0)
                except threading.BrokenBarrierError:  # a projector that waits its turn first
                    pass

        projection.load = racing_load  # type: ignore[method-assign]


def test_two_projectors_on_one_database_never_apply_a_batch_twice(
    settings: Settings, services: Services, replay: Replay
) -> None:
    generate(services.registry, 1_000, seed=5)
    other = build_services(settings)
    try:
        projectors = [services, other]
        for p in projectors:
            p.projector.batch_size = 200
        overlap_the_first_batch(*projectors)
        errors: list[BaseException] = []

        def project(p: Services) -> None:
            for _attempt in range(100):
                try:
                    p.projector.run_once()
                    return
                except ConcurrentProjector:  # the other one applied this batch first: go on
                    continue
                except Exception as e:
                    errors.append(e)
                    return

        threads = [threading.Thread(target=project, args=(p,)) for p in projectors]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)

        assert errors == [], "the projector that lost the race must answer ConcurrentProjector"
        assert set(services.projector.positions().values()) == {replay.head()}
        replay.assert_same_rows_as_a_clean_rebuild()
    finally:
        other.close()


def test_a_projector_runner_that_loses_a_batch_to_another_keeps_running(
    settings: Settings, services: Services, replay: Replay
) -> None:
    generate(services.registry, 600, seed=5)
    other = build_services(settings)
    runners = [ProjectorRunner(services, poll=0.02), ProjectorRunner(other, poll=0.02)]
    try:
        for p in (services, other):
            p.projector.batch_size = 200
        overlap_the_first_batch(services, other)
        for runner in runners:
            runner.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and set(services.projector.positions().values()) != {
            replay.head()
        }:
            time.sleep(0.05)

        assert [runner.error for runner in runners] == [None, None]
        assert all(runner.alive for runner in runners), "a lost race is no reason to stop"
    finally:
        for runner in runners:
            runner.stop()
        other.close()
    replay.assert_same_rows_as_a_clean_rebuild()
