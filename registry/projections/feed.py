"""The change feed: every event after a position, for downstream systems, scoped by district.

Admins read every event (streams of no district too: the clock's reviews, rosters); a
regulator reads the events of institutions and contracts in its districts. Guardian details
are masked; the feed never reaches past what the stream-district index has applied, so
scoping never guesses.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from registry.adapters.eventlog import LogReader
from registry.domain.principal import Principal
from registry.privacy import mask_personal
from registry.projections.projector import Projector
from registry.projections.stream_districts import StreamDistricts, stream_districts

FEED_ROLES = ("regulator",)

# Envelope fields of a stored event that are not its data.
ENVELOPE = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic"})


class ChangeFeed:
    def __init__(self, log_reader: LogReader, engine: Engine, projector: Projector) -> None:
        self.log = log_reader
        self.engine = engine
        self.projector = projector

    def read(self, principal: Principal, after: int, limit: int) -> dict[str, Any]:
        """Events after ``after`` the principal may see, and the position to continue from."""
        principal.require(FEED_ROLES)
        indexed = self.projector.positions().get(StreamDistricts.name, 0)
        notifications = self.log.read(start=after + 1, limit=limit, stop=indexed)
        if not notifications:
            return {"items": [], "last_position": after, "next_cursor": None}
        districts = self._districts({str(n.originator_id) for n in notifications})
        items = []
        for n in notifications:
            district = districts.get(str(n.originator_id))
            if district is None:
                # Streams of no district (the registry clock's reviews, rosters) are the
                # registry's own bookkeeping: admins see every event, regulators their districts.
                if principal.role != "admin":
                    continue
            elif not principal.covers(district):
                continue
            domain_event = self.log.decode(n)
            data = {k: v for k, v in domain_event.__dict__.items() if k not in ENVELOPE}
            actor = data.pop("actor", {})
            data = mask_personal(data)
            items.append(
                {
                    "position": n.id,
                    "stream_id": str(n.originator_id),
                    "version": n.originator_version,
                    "type": type(domain_event).__name__,
                    "district_code": district,
                    "recorded_at": domain_event.timestamp.isoformat(),
                    "actor": actor,
                    "data": data,
                }
            )
        last = notifications[-1].id
        return {
            "items": items,
            "last_position": last,
            "next_cursor": str(last) if len(notifications) == limit else None,
        }

    def _districts(self, stream_ids: set[str]) -> dict[str, str]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(stream_districts.c.stream_id, stream_districts.c.district_code).where(
                    stream_districts.c.stream_id.in_(stream_ids)
                )
            ).all()
        return {r.stream_id: r.district_code for r in rows}
