"""The database drops the registry's connections between two writes: the next write goes on.

The event store checks a pooled PostgreSQL connection before handing it out only when it was
not checked within the last second (``registry/adapters/pg_pool.py``). A connection that the
database closed within that second fails on its first statement instead, and the event store
tries again on another: the regulator's write is recorded, once, with no error to see.
PostgreSQL only: a SQLite file has no connections for a server to drop. The reads a feed's
batch makes of its contracts in one query go on the same way.
"""

from __future__ import annotations

from contextlib import ExitStack
from datetime import date
from uuid import UUID

import psycopg
import pytest

from registry.bootstrap import Services
from registry.domain.commands.institutions import RecordInspection
from registry.settings import Settings
from tests.builders.commands import legitimate
from tests.builders.principals import HAIDIAN


def inspection(institution_id: UUID) -> RecordInspection:
    return RecordInspection(
        institution_id=institution_id,
        inspected_on=date(2026, 10, 30),
        kind="routine",
        inspectors=["王伟", "李娜"],
        result="pass",
    )


def drop_every_pooled_connection(settings: Settings, services: Services) -> None:
    datastore = services.registry.store.recorder.datastore  # type: ignore[attr-defined]
    with ExitStack() as held:  # every connection of the pool, each just checked
        pids = {
            held.enter_context(datastore.get_connection()).info.backend_pid
            for _ in range(datastore.pool.max_size)
        }
    with psycopg.connect(settings.database_url, autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


@pytest.mark.parametrize("settings", ["postgresql"], indirect=True)
def test_a_write_just_after_the_database_dropped_every_connection_is_recorded_once(
    settings: Settings, services: Services
) -> None:
    registry = services.registry
    institution_id = legitimate(registry)
    before = registry.execute(HAIDIAN, inspection(institution_id))
    drop_every_pooled_connection(settings, services)

    after = registry.execute(HAIDIAN, inspection(institution_id))

    assert after.version == before.version + 1
    history = registry.store.recorder.select_events(institution_id)
    assert [e.originator_version for e in history][-2:] == [before.version, after.version]


@pytest.mark.parametrize("settings", ["postgresql"], indirect=True)
def test_a_feed_batch_reading_its_contracts_just_after_the_drop_reads_them_all(
    settings: Settings, services: Services
) -> None:
    registry = services.registry
    institution_id = legitimate(registry)
    written = registry.execute(HAIDIAN, inspection(institution_id))
    drop_every_pooled_connection(settings, services)

    recorder = registry.store.recorder
    found = recorder.select_events_of([institution_id])  # type: ignore[attr-defined]

    assert [e.originator_version for e in found][-1] == written.version
