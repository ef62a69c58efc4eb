"""The event store's JSON transcoder, decoding stored states with ``orjson``.

The library's ``JSONTranscoder`` parses a stored state with the standard ``json`` module and an
``object_hook`` called on every JSON object, to revive the values it stored as
``{"_type_": ..., "_data_": ...}``. Nearly every state the registry stores holds exactly one
such value, the event's ``timestamp`` (the library's ``DatetimeAsISO``): those are parsed by
``orjson`` and the timestamp revived as that transcoding does, about three times faster. Any
other state (no typed value or several, one elsewhere, something ``orjson`` refuses) goes the
library's way, so every state decodes to what the library would answer. Encoding is the
library's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder

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
