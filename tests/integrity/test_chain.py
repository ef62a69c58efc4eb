"""The event log is tamper-evident: a change, a deletion, an insertion or a cut by SQL is found
by `registry verify`, at the position where it was made; an untouched log verifies."""

from __future__ import annotations

import threading

from sqlalchemy import text

from registry.adapters.chain_log import init_chain
from registry.bootstrap import Services
from registry.demo.generate import generate
from registry.verification import verify
from tests.integrity.conftest import Intruder


def head(services: Services) -> int:
    return services.registry.store.head()


def test_an_untouched_log_verifies_with_every_event_counted(logged: Services) -> None:
    checkpoint = logged.checkpoints.sign()
    assert checkpoint is not None and checkpoint.position == head(logged)
    report = verify(logged).chain
    assert report.ok, report.line()
    assert report.events == head(logged) > 300 - 1
    assert report.line() == (
        f"{report.events} events verified to position {head(logged)}; "
        f"last checkpoint {checkpoint.position}"
    )


def test_a_payload_changed_by_sql_is_named_at_its_position(
    logged: Services, intruder: Intruder
) -> None:
    logged.checkpoints.sign()
    intruder.change_payload(150)
    report = verify(logged).chain
    assert not report.ok
    assert report.bad_position == 150
    assert "differs" in (report.problem or "")


def test_a_middle_event_deleted_by_sql_is_named_at_its_position(
    logged: Services, intruder: Intruder
) -> None:
    intruder.delete(120)
    report = verify(logged).chain
    assert (report.bad_position, report.ok) == (120, False)
    assert "deleted" in (report.problem or "")


def test_a_middle_event_deleted_with_its_chain_row_breaks_the_next_link(
    logged: Services, intruder: Intruder
) -> None:
    intruder.delete(120, with_chain_row=True)
    report = verify(logged).chain
    assert report.bad_position == 121


def test_the_last_event_deleted_by_sql_is_named(logged: Services, intruder: Intruder) -> None:
    last = head(logged)
    intruder.delete(last)
    report = verify(logged).chain
    assert report.bad_position == last


def test_a_log_cut_below_a_signed_checkpoint_is_named_even_without_its_chain_rows(
    logged: Services, intruder: Intruder
) -> None:
    last = head(logged)
    logged.checkpoints.sign()
    intruder.delete(last, with_chain_row=True)
    intruder.delete(last - 1, with_chain_row=True)
    report = verify(logged).chain
    assert report.bad_position == last - 1
    assert "cut" in (report.problem or "")


def test_a_row_inserted_by_sql_is_named_at_its_position(
    logged: Services, intruder: Intruder
) -> None:
    inserted = intruder.insert_copy_of(100)
    report = verify(logged).chain
    assert report.bad_position == inserted == head(logged)
    assert "not recorded by the registry" in (report.problem or "")


def test_a_change_with_its_chain_rows_recomputed_is_caught_by_the_signed_checkpoint(
    logged: Services, intruder: Intruder
) -> None:
    checkpoint = logged.checkpoints.sign()
    assert checkpoint is not None
    intruder.change_payload(90)
    intruder.rewrite_chain_from(90)
    report = verify(logged).chain
    assert report.bad_position == checkpoint.position
    assert "checkpoint" in (report.problem or "")


def test_verifying_from_a_position_checks_the_log_after_it(
    logged: Services, intruder: Intruder
) -> None:
    intruder.change_payload(50)
    assert verify(logged, start=51).chain.ok
    assert verify(logged, start=40).chain.bad_position == 50


def test_concurrent_writers_keep_one_chain(services: Services) -> None:
    # The school calendars are recorded once, by the first lesson judged: recorded here first,
    # the three writers share no stream, so no insert is refused and no position is skipped.
    services.registry.calendars.ensure_recorded()
    threads = [
        threading.Thread(target=generate, args=(services.registry, 60), kwargs={"seed": s})
        for s in (11, 12, 13)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = verify(services).chain
    assert report.ok, report.line()
    assert report.events == head(services) >= 180


def test_a_log_written_before_the_chain_is_chained_once_and_then_verifies(
    logged: Services,
) -> None:
    with logged.engine.begin() as conn:
        conn.execute(text("DELETE FROM registry_event_chain"))
    assert "chain init" in (verify(logged).chain.problem or "")
    generate(logged.registry, 20, seed=99)  # written while the log is not chained yet
    chained, last = init_chain(logged.engine)
    assert (chained, last) == (head(logged), head(logged))
    assert init_chain(logged.engine) == (0, last)
    generate(logged.registry, 20, seed=98)
    report = verify(logged).chain
    assert report.ok, report.line()
    assert report.events == head(logged)
