"""Which district each stream belongs to, so the change feed can be scoped like the keys are."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from eventsourcing.domain import DomainEvent
from sqlalchemy import Column, Connection, String, Table

from registry.domain.events import (
    ContractSigned,
    InstitutionRegistered,
    PrepaidLiabilitiesTransferred,
    RefundCaseOpened,
)
from registry.projections.base import BatchProjection, Fact, metadata, not_followed, upsert

stream_districts = Table(
    "stream_districts",
    metadata,
    Column("stream_id", String(36), primary_key=True),
    Column("district_code", String(6), nullable=False),
    Column("kind", String(16), nullable=False),
)


# The kind of stream each event places in a district.
KIND_OF: dict[type[DomainEvent], str] = {
    InstitutionRegistered: "institution",
    ContractSigned: "contract",
    PrepaidLiabilitiesTransferred: "contract",
    RefundCaseOpened: "refund_case",
}


class StreamDistricts(BatchProjection):
    name: ClassVar[str] = "stream_districts"
    version: ClassVar[int] = 2
    tables: ClassVar[Sequence[Table]] = (stream_districts,)
    follows: ClassVar[tuple[type[DomainEvent], ...]] = tuple(KIND_OF)

    def load(self, conn: Connection, facts: Sequence[Fact]) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    def handle(self, fact: Fact) -> None:
        key, event = fact.key, fact.event
        if isinstance(event, PrepaidLiabilitiesTransferred):
            district = event.to_district_code
        elif isinstance(event, (InstitutionRegistered, ContractSigned, RefundCaseOpened)):
            district = event.district_code
        else:
            not_followed(self, fact)
        self.rows[key] = {"stream_id": key, "district_code": district, "kind": KIND_OF[type(event)]}

    def flush(self, conn: Connection) -> None:
        upsert(conn, stream_districts, list(self.rows.values()))
