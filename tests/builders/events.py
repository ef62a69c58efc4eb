"""Reading what an aggregate decided: the names of its pending events."""

from __future__ import annotations

from typing import Any


def event_names(aggregate: Any) -> list[str]:
    """The names of the events the aggregate has pending, which it then no longer has."""
    return [type(e).__name__ for e in aggregate.collect_events()]
