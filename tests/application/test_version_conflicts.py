"""A save of a version already recorded: refused at once as a conflict, never taken for a lost
connection.

Two writers judging the same record at once both try to record its next version; the log's
key lets one through and refuses the other, whose command is then judged again on the record
as stored (``registry/application/core.py``). On PostgreSQL the save is one pipelined
transaction (``registry/adapters/pg_recorder.py``): the refusal must come out as the conflict
it is, not as the aborted pipeline it leaves behind, which the library would take for a lost
connection and retry after a wait. SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import time

import pytest
from eventsourcing.persistence import IntegrityError

from registry.bootstrap import Services
from tests.builders.commands import legitimate


def test_a_save_of_a_version_already_recorded_is_refused_at_once_as_a_conflict(
    services: Services,
) -> None:
    registry = services.registry
    institution_id = legitimate(registry)
    recorder = registry.store.recorder
    recorded = recorder.select_events(institution_id)

    started = time.monotonic()
    with pytest.raises(IntegrityError):
        recorder.insert_events([recorded[-1]])
    refused_after = time.monotonic() - started

    assert recorder.select_events(institution_id) == recorded
    # Not after the library's retries of a lost connection (10 tries, 0.2 s apart).
    assert refused_after < 1.5, refused_after
