"""ledger.csv: every money and lesson event of the case's contracts, with running totals.

One row per ``PrepaidFeeCollected``, ``LessonsConsumed``, ``EscrowReleased`` and
``PrepaidRefunded`` event, in log order. The running totals of a contract's last row are the
ledger figures the contract shows at the export position, so the court can check one against
the other in a spreadsheet. UTF-8 with a BOM so that Excel opens the Chinese text correctly.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from registry.casefile.labels import by_event, event_name
from registry.domain.clock import SHANGHAI
from registry.domain.events import (
    EscrowReleased,
    LessonsConsumed,
    PrepaidFeeCollected,
    PrepaidRefunded,
)

COLUMNS = (
    "position",
    "recorded_at",
    "contract_id",
    "type",
    "occurred_at",
    "amount_fen",
    "lessons",
    "paid_fen",
    "consumed_lessons",
    "released_fen",
    "refunded_fen",
)

# The ledger's events: which running total each moves, and by which field of its data.
_MOVES = by_event(
    {
        PrepaidFeeCollected: ("paid_fen", "amount_fen"),
        LessonsConsumed: ("consumed_lessons", "lessons"),
        EscrowReleased: ("released_fen", "amount_fen"),
        PrepaidRefunded: ("refunded_fen", "amount_fen"),
    }
)
LEDGER_EVENTS = tuple(_MOVES)


def ledger_rows(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """The ledger rows of the bundle's contract events, running totals per contract."""
    totals: dict[str, dict[str, int]] = {}
    rows = []
    for e in bundle["events"]:
        if e["stream"] != "contract" or e["type"] not in LEDGER_EVENTS:
            continue
        data = e["data"]
        running = totals.setdefault(
            e["stream_id"],
            {"paid_fen": 0, "consumed_lessons": 0, "released_fen": 0, "refunded_fen": 0},
        )
        total, field = _MOVES[e["type"]]
        running[total] += int(data[field])
        lesson_event = e["type"] == event_name(LessonsConsumed)
        rows.append(
            {
                "position": e["position"],
                "recorded_at": datetime.fromisoformat(e["recorded_at"])
                .astimezone(SHANGHAI)
                .isoformat(),
                "contract_id": e["stream_id"],
                "type": e["type"],
                "occurred_at": data.get("starts_at") if lesson_event else data.get("paid_at"),
                "amount_fen": None if lesson_event else int(data["amount_fen"]),
                "lessons": int(data["lessons"]) if lesson_event else None,
                **running,
            }
        )
    return rows


def ledger_csv(rows: list[dict[str, Any]]) -> bytes:
    """The rows as CSV (UTF-8 with BOM, CRLF line ends, empty cells for what does not apply)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if row[c] is None else row[c] for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
