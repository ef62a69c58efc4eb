"""A rebuilt read model ends with every index its tables declare, even after a stopped rebuild.

A rebuild replays the log into tables without their secondary indexes and builds them at the
end; a projector started after a rebuild that stopped half-way builds the ones missing. The
rows are those of the incremental build either way. SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine

from registry.bootstrap import Services, build_services
from registry.demo.generate import generate
from registry.projections.base import metadata
from registry.projections.projector import INDEX_NAMES, Projector
from registry.settings import Settings

if TYPE_CHECKING:
    from conftest import Replay


def declared(services: Services) -> set[str]:
    """The secondary indexes the read models' tables declare."""
    tables = {t.name for p in services.projector.projections.values() for t in p.tables}
    return {
        str(index.name)
        for table in metadata.sorted_tables
        if table.name in tables
        for index in table.indexes
    }


def present(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        found = conn.exec_driver_sql(INDEX_NAMES[conn.dialect.name]).scalars()
        return {str(name) for name in found}


def test_a_rebuild_ends_with_every_index_and_the_rows_of_the_incremental_build(
    services: Services, replay: Replay
) -> None:
    generate(services.registry, 300, seed=3)
    services.projector.batch_size = 40
    services.projector.run_once()
    built = replay.rows()

    services.projector.rebuild()

    assert declared(services) <= present(services.engine)
    assert replay.rows() == built


def test_a_rebuild_stopped_half_way_gets_its_indexes_when_a_projector_next_starts(
    settings: Settings, services: Services, replay: Replay, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(services.registry, 300, seed=3)
    services.projector.batch_size = 40
    services.projector.run_once()
    built = replay.rows()
    catch_up = Projector._catch_up

    def stopped(self: Projector, progress: object) -> int:
        raise RuntimeError("the machine went down before the log was applied")

    monkeypatch.setattr(Projector, "_catch_up", stopped)
    with pytest.raises(RuntimeError):
        services.projector.rebuild()
    assert not declared(services) <= present(services.engine), "the rebuild stopped before them"

    monkeypatch.setattr(Projector, "_catch_up", catch_up)
    again = build_services(settings)
    try:
        assert declared(again) <= present(again.engine)
        again.projector.run_once()
    finally:
        again.close()
    assert replay.rows() == built
