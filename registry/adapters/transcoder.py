"""The event store's JSON transcoder, decoding stored states with ``orjson``.

The library's ``JSONTranscoder`` parses a stored state with the standard ``json`` module and an
``object_hook`` called on every JSON object, to revive the values it stored as
``{"_type_": ..., "_data_": ...}``. Nearly every state the registry stores holds exactly one
such value, the event's ``timestamp`` (the library's ``DatetimeAsISO``): those are parsed by
``orjson`` and the timestamp revived as that transcoding does, about three times faster. Any
other state (no typed value or several, one elsewhere, something ``orjson`` refuses) goes the
library's way, so every state decodes to what the library would answer. Encoding is the
library's.

``WindowDecoder`` decodes a follower's window of stored events to the domain events the
library's mapper would make, without its per-event look-ups.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, Mapper, StoredEvent
from eventsourcing.utils import resolve_topic

TYPED = b'"_type_"'
STAMP = DatetimeAsISO.name
loads, fromisoformat = orjson.loads, datetime.fromisoformat


class FastJSONTranscoder(JSONTranscoder):
    def decode(self, data: bytes) -> Any:
        if data.count(TYPED) == 1 and type(self.names.get(STAMP)) is DatetimeAsISO:
            try:
                state = loads(data)
            except orjson.JSONDecodeError:
                return super().decode(data)
            stamp = state.get("timestamp") if type(state) is dict else None
            if type(stamp) is dict and len(stamp) == 2 and stamp.get("_type_") == STAMP:
                data_ = stamp.get("_data_")
                if type(data_) is str:
                    state["timestamp"] = fromisoformat(data_)
                    return state
        return super().decode(data)


# A decoded event as followers of the log take it: (position, stream id, version, recorded at,
# the domain event, the stream id as text).
Decoded = tuple[int, UUID, int, datetime, DomainEvent, str]
# A stored event as ``select_rows`` reads it: (position, stream id as text, version, topic,
# state).
Row = tuple[int, str, int, str, bytes]
# Stream ids kept from one window to the next (a stream's events are spread over the log).
IDS_KEPT = 20_000


class WindowDecoder:
    """Many stored events at once, decoded to what the library's mapper answers for each, with
    less work per event: the class of a topic and the id of a stream are looked up once and
    kept, and the event is made as the mapper makes it (a new object given the decoded state).
    An event of an older class version is upcast as the mapper does it. A state encrypted or
    compressed, or one that fails to decode, goes the mapper's own way, errors included."""

    def __init__(self, mapper: Mapper[UUID]) -> None:
        self.mapper = mapper
        self.plain = mapper.cipher is None and mapper.compressor is None
        self.classes: dict[str, type[DomainEvent] | None] = {}
        self.versions: dict[type[DomainEvent], int] = {}
        self.ids: dict[str, UUID] = {}

    def decode(self, rows: Sequence[Row]) -> list[Decoded]:
        if not self.plain:
            return [self._by_mapper(row) for row in rows]
        transcode, classes, ids = self.mapper.transcoder.decode, self.classes, self.ids
        versions = self.versions
        if len(ids) > IDS_KEPT:
            ids.clear()
        decoded: list[Decoded] = []
        for row in rows:
            position, key, version, topic, state = row
            cls = classes[topic] if topic in classes else self._class(topic)
            try:
                event_state = transcode(state) if cls is not None else None
            except Exception:
                event_state = None
            if cls is None or type(event_state) is not dict:
                decoded.append(self._by_mapper(row))
                continue
            uid = ids.get(key)
            if uid is None:
                uid = ids[key] = UUID(key)
            event_state["originator_id"] = uid
            event_state["originator_version"] = version
            # The mapper's upcasting: from the stored class version to the class's own.
            stored_version, class_version = event_state.pop("class_version", 1), versions[cls]
            while stored_version < class_version:
                getattr(cls, f"upcast_v{stored_version}_v{stored_version + 1}")(event_state)
                stored_version += 1
            event = _new(cls)
            _set(event, "__dict__", event_state)
            decoded.append((position, uid, version, event.timestamp, event, key))
        return decoded

    def _class(self, topic: str) -> type[DomainEvent] | None:
        """The topic's event class, or None when its events go the mapper's way."""
        cls = resolve_topic(topic)
        if isinstance(cls, type) and issubclass(cls, DomainEvent):
            self.classes[topic] = cls
            self.versions[cls] = getattr(cls, "class_version", 1)
        else:
            self.classes[topic] = None
        return self.classes[topic]

    def _by_mapper(self, row: Row) -> Decoded:
        position, key, version, topic, state = row
        uid = UUID(key)
        event = self.mapper.to_domain_event(
            StoredEvent(originator_id=uid, originator_version=version, topic=topic, state=state)
        )
        if not isinstance(event, DomainEvent):
            raise TypeError(f"position holds no domain event: {topic}")
        return position, uid, version, event.timestamp, event, key


_new, _set = object.__new__, object.__setattr__
