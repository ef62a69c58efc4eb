"""Dates and times as the regulations read them: Asia/Shanghai."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in Asia/Shanghai, timezone-aware."""
    return datetime.combine(day, time.max, tzinfo=SHANGHAI)


def today() -> date:
    """Today's date in Asia/Shanghai."""
    return datetime.now(SHANGHAI).date()
