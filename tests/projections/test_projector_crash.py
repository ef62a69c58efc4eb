"""A projector process killed in the middle of a batch loses nothing and doubles nothing.

The projector runs as its own process (as ``registry project`` does). It is killed with SIGKILL
while a batch's rows are written but not committed, then run again; the views it ends with
are, row for row, the views of a clean rebuild, and their totals are those of the log itself.
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from select import select as wait_readable
from typing import IO, TYPE_CHECKING, Any

from eventsourcing.utils import get_topic
from sqlalchemy import Engine, func, select

from registry.bootstrap import Services
from registry.demo.generate import generate
from registry.domain.events import LessonsConsumed, PrepaidFeeCollected
from registry.projections.public_register import PublicRegister
from registry.projections.public_register import versions as pub_versions
from registry.projections.refund_tracking import contracts as rt_contracts
from registry.settings import Settings

if TYPE_CHECKING:
    from conftest import Replay

REPO = Path(__file__).resolve().parents[2]
BATCH = 300

STALLED = "rows written, not committed"

# The projector process. Refund tracking writes the rows of its third batch, then stalls before
# the commit, so the kill lands inside that batch's transaction.
PROJECTOR = textwrap.dedent(
    f"""
    import time
    from registry.bootstrap import build_services
    from registry.projections.refund_tracking import RefundTracking
    from registry.settings import Settings

    flush, flushes = RefundTracking.flush, 0

    def stalling_flush(self, conn):
        global flushes
        flush(self, conn)
        flushes += 1
        if flushes == 3:
            print("{STALLED}", flush=True)
            time.sleep(120)

    RefundTracking.flush = stalling_flush
    services = build_services(Settings())
    services.projector.batch_size = {BATCH}
    services.projector.run_once()
    """
)


def start_projector(settings: Settings, errors: IO[str]) -> subprocess.Popen[str]:
    """The projector as its own process, on the same database."""
    env = {
        **os.environ,
        "REGISTRY_DATABASE_URL": settings.database_url,
        "REGISTRY_DATABASE_SCHEMA": settings.database_schema,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.Popen(
        [sys.executable, "-c", PROJECTOR],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
    )


def wait_until_stalled(projector: subprocess.Popen[str], errors: Path) -> None:
    assert projector.stdout is not None
    ready, _, _ = wait_readable([projector.stdout], [], [], 60)
    line = projector.stdout.readline() if ready else ""
    assert line.strip() == STALLED, errors.read_text()


class PositionWatch:
    """Reads the recorded positions over and over from another connection, as a monitor
    would, and keeps every reading."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.readings: list[dict[str, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> PositionWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._stop.set()
        self._thread.join(5)

    def _watch(self) -> None:
        while not self._stop.wait(0.02):
            self.readings.append(self.services.projector.positions())

    def moved_backwards(self) -> list[str]:
        found = []
        for earlier, later in zip(self.readings, self.readings[1:], strict=False):
            for name, position in later.items():
                if position < earlier.get(name, 0):
                    found.append(f"{name}: {earlier[name]} then {position}")
        return found


def totals_of_the_log(services: Services) -> dict[str, int]:
    """Lessons taught, fees collected and public register changes, counted from the log."""
    totals = {"lessons": 0, "collected_fen": 0, "public_changes": 0}
    store = services.registry.store
    public = {get_topic(event) for event in PublicRegister.follows}
    ledger = {get_topic(LessonsConsumed), get_topic(PrepaidFeeCollected)}
    start = 1
    while batch := store.read(start=start, limit=2000):
        for n in batch:
            event = store.decode(n) if n.topic in ledger else None
            if isinstance(event, LessonsConsumed):
                totals["lessons"] += event.lessons
            elif isinstance(event, PrepaidFeeCollected):
                totals["collected_fen"] += event.amount_fen
            if n.topic in public:
                totals["public_changes"] += 1
        start = batch[-1].id + 1
    return totals


def totals_of_the_views(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        c = rt_contracts.c
        lessons, collected = conn.execute(
            select(func.sum(c.consumed_lessons), func.sum(c.collected_fen))
        ).one()
        changes = conn.execute(select(func.count()).select_from(pub_versions)).scalar()
    return {"lessons": lessons, "collected_fen": collected, "public_changes": changes}


def test_a_projector_killed_inside_a_batch_and_restarted_ends_with_the_views_of_a_clean_rebuild(
    settings: Settings, services: Services, replay: Replay, tmp_path: Path
) -> None:
    errors = tmp_path / "projector.stderr"
    generate(services.registry, 3_000, seed=3)
    head = replay.head()

    with PositionWatch(services) as watch:
        with errors.open("w") as stderr:
            projector = start_projector(settings, stderr)
            try:
                wait_until_stalled(projector, errors)
            finally:
                projector.send_signal(signal.SIGKILL)
                projector.wait(10)
        assert projector.returncode == -signal.SIGKILL

        killed = services.projector.positions()
        assert 0 < killed["refund_tracking"] < head, "it had applied some batches, not all"
        assert killed["refund_tracking"] == 2 * BATCH, "the third batch was rolled back"
        with services.engine.connect() as conn:
            latest = conn.execute(select(func.max(rt_contracts.c.position))).scalar()
        assert latest <= killed["refund_tracking"], "no uncommitted row survived the kill"

        # Started again (here, in this process), it resumes from the recorded positions.
        services.projector.batch_size = BATCH
        assert services.projector.run_once() == head - min(killed.values())

    assert set(services.projector.positions().values()) == {head}
    assert watch.readings, "the positions were watched while the projector ran"
    assert watch.moved_backwards() == []
    assert totals_of_the_views(services.engine) == totals_of_the_log(services), (
        "every event applied exactly once"
    )

    built = replay.rows()
    services.projector.batch_size = 10_000
    services.projector.rebuild()
    rebuilt = replay.rows()
    for name in rebuilt:
        assert built[name] == rebuilt[name], f"{name} differs from a clean rebuild"
