"""Which district each stream belongs to, so the change feed can be scoped like the keys are."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import Column, Connection, String, Table

from registry.projections.base import BatchProjection, Fact, metadata, upsert

stream_districts = Table(
    "stream_districts",
    metadata,
    Column("stream_id", String(36), primary_key=True),
    Column("district_code", String(6), nullable=False),
    Column("kind", String(16), nullable=False),
)


class StreamDistricts(BatchProjection):
    name: ClassVar[str] = "stream_districts"
    version: ClassVar[int] = 2
    tables: ClassVar[Sequence[Table]] = (stream_districts,)
    types: ClassVar[frozenset[str]] = frozenset(
        {
            "InstitutionRegistered",
            "ContractSigned",
            "PrepaidLiabilitiesTransferred",
            "RefundCaseOpened",
        }
    )

    def load(self, conn: Connection, facts: Sequence[Fact]) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    def handle(self, fact: Fact) -> None:
        key, d = str(fact.originator_id), fact.data
        if fact.type == "PrepaidLiabilitiesTransferred":
            district, kind = d["to_district_code"], "contract"
        else:
            district = d["district_code"]
            kind = {"InstitutionRegistered": "institution", "RefundCaseOpened": "refund_case"}.get(
                fact.type, "contract"
            )
        self.rows[key] = {"stream_id": key, "district_code": district, "kind": kind}

    def flush(self, conn: Connection) -> None:
        upsert(conn, stream_districts, list(self.rows.values()))
