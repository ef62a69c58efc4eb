"""Opaque cursors for list endpoints: what the client passes back to get the next page."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import Query

from registry.domain.errors import InvalidInput

Limit = Annotated[int, Query(ge=1, le=500, description="page size (default 50, at most 500)")]
Cursor = Annotated[str | None, Query(max_length=500, description="next_cursor of the last page")]


def encode_cursor(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any]:
    """The position a cursor stands for; an empty dict for the first page."""
    if not cursor:
        return {}
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except ValueError:
        raise InvalidInput("the cursor is not one this API issued", "cursor") from None
    if not isinstance(value, dict) or "\\u0000" in json.dumps(value):
        raise InvalidInput("the cursor is not one this API issued", "cursor")
    return value


def after_version(cursor: str | None) -> int:
    """The stream version an event-list cursor continues after (0 for the first page)."""
    after = decode_cursor(cursor).get("v", 0)
    if type(after) is not int or not 0 <= after < 2**63:
        raise InvalidInput("the cursor is not one this API issued", "cursor")
    return after


def event_page(events: Sequence[Any], limit: int) -> dict[str, Any]:
    """A page of a stream's events, read with ``limit + 1`` to know whether more follow."""
    page, more = list(events[:limit]), len(events) > limit
    return {
        "items": [
            {
                "position": e.position,
                "version": e.version,
                "type": e.type,
                "recorded_at": e.recorded_at,
                "actor": e.actor,
                "data": e.data,
            }
            for e in page
        ],
        "next_cursor": encode_cursor({"v": page[-1].version}) if more else None,
    }
