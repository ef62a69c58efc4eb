"""The day a read model judges what is in force on, from the log alone.

A read model that publishes what is in force by effective dates needs a day to judge on. It
takes it from the log, never from the wall clock, so that a replay judges the same days: the
last day the registry reviewed (``DayReviewed``), or the day the last fact was recorded
(Asia/Shanghai) when that is later. The day never goes back, even when the registry catches up
on days it missed after facts were recorded today.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Column, Connection, Date, String, Table, select

from registry.domain.clock import SHANGHAI
from registry.domain.standing import REGISTERED, Decision
from registry.projections.base import Fact, metadata, upsert
from registry.projections.public_items import decision_json


def day_table(name: str) -> Table:
    """A one-row table keeping a read model's day."""
    return Table(
        name,
        metadata,
        Column("name", String(16), primary_key=True),
        Column("day", Date, nullable=False),
    )


class RegisterDay:
    """A read model's day: loaded before a batch, moved on by its facts, written back after."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.day: date | None = None

    def load(self, conn: Connection) -> None:
        self.day = conn.execute(select(self.table.c.day)).scalar()

    def advance(self, day: date) -> date:
        """The day after a fact of ``day``: the later of the two."""
        self.day = day if self.day is None else max(self.day, day)
        return self.day

    def recorded(self, fact: Fact) -> date:
        """The day after ``fact``: at least the day it was recorded."""
        return self.advance(fact.recorded_at.astimezone(SHANGHAI).date())

    def flush(self, conn: Connection) -> None:
        if self.day is not None:
            upsert(conn, self.table, [{"name": "day", "day": self.day}])


def kept_decision(d: Decision) -> dict[str, Any]:
    """A decision as a non-public read model keeps it on its row: without account numbers,
    and of the registration only its day (no representative or address)."""
    kept = decision_json(d)
    if d.kind == REGISTERED:
        kept["data"] = {"registered_on": kept["data"]["registered_on"]}
    return kept
