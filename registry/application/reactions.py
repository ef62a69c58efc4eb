"""Processes that react to events: abnormal closure freezes the institution's open contracts.

The reaction reads the notification log from its recorded position, so it runs once for every
cessation whoever recorded it (API, CLI, another process). Freezing is idempotent: a contract
already frozen is left alone, so a crash between freezing and recording the position repeats
no effect when the reaction runs again. Exactly once, in effect, without a distributed lock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic
from sqlalchemy import Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite

from registry.adapters.eventlog import LogReader
from registry.adapters.store import process_positions
from registry.domain.contract import TrainingContract
from registry.domain.events import OperationsCeased
from registry.domain.principal import SYSTEM

log = logging.getLogger("registry.reactions")

CESSATION_TOPIC = get_topic(OperationsCeased)


class ContractFreezer:
    """On an abnormal cessation (跑路/闭店), freeze every open contract of the institution."""

    name = "contract_freezer"

    def __init__(
        self,
        log_reader: LogReader,
        contracts_of: Callable[[UUID], Sequence[TrainingContract]],
        save: Callable[..., object],
        engine: Engine,
    ) -> None:
        self.log_reader = log_reader
        self.contracts_of = contracts_of
        self.save: Callable[..., object] = save
        self.engine = engine
        self._lock = threading.Lock()

    def position(self) -> int:
        with self.engine.connect() as conn:
            found = conn.execute(
                select(process_positions.c.position).where(process_positions.c.name == self.name)
            ).scalar()
        return int(found or 0)

    def _record_position(self, position: int) -> None:
        dialect = sqlite if self.engine.dialect.name == "sqlite" else postgresql
        with self.engine.begin() as conn:
            conn.execute(
                dialect.insert(process_positions)
                .values(name=self.name, position=position)
                .on_conflict_do_nothing()
            )
            conn.execute(
                update(process_positions)
                .where(
                    process_positions.c.name == self.name, process_positions.c.position < position
                )
                .values(position=position)
            )

    def run_once(self, limit: int = 200) -> int:
        """Handle the cessations recorded since the last run; answers how many were handled."""
        with self._lock:
            handled = 0
            while True:
                batch = self.log_reader.read(
                    start=self.position() + 1, limit=limit, topics=[CESSATION_TOPIC]
                )
                for notification in batch:
                    ceased = self.log_reader.decode(notification)
                    if isinstance(ceased, OperationsCeased) and ceased.kind == "abnormal":
                        self._freeze_contracts(
                            ceased.originator_id,
                            date.fromisoformat(ceased.ceased_on),
                            notification.id,
                        )
                    self._record_position(notification.id)
                    handled += 1
                if len(batch) < limit:
                    return handled

    def _freeze_contracts(self, institution_id: UUID, ceased_on: date, position: int) -> None:
        for _attempt in range(10):
            changed: list[Aggregate] = [
                c
                for c in self.contracts_of(institution_id)
                if c.freeze(
                    reason="the institution ceased operating abnormally",
                    frozen_on=ceased_on,
                    cause=f"OperationsCeased at position {position}",
                    actor=SYSTEM.as_actor(),
                )
            ]
            if not changed:
                return
            try:
                self.save(*changed)
            except IntegrityError:  # a feed wrote to one of them meanwhile: read them again
                continue
            log.info("froze %d contract(s) of institution %s", len(changed), institution_id)
            return
        raise RuntimeError(f"could not freeze the contracts of institution {institution_id}")
