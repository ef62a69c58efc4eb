"""The public register's item of one institution, on a day, as known at a time.

A register row keeps the institution's identity and its dated decisions (``decisions``: what
was decided, effective when, recorded when, at which position), without personal data or bank
account numbers. Its published columns are the standing in force on the register's day; an
as-of page folds the same decisions for another day (``registry.domain.standing``), so the
current page and an as-of page are each one row read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from registry.domain.standing import Decision, next_change, standing, status_history

# What a public decision never carries.
PRIVATE = frozenset({"account_no"})


def decision_json(d: Decision) -> dict[str, Any]:
    """A decision as a register row keeps it (JSON), without private fields."""
    return {
        "kind": d.kind,
        "version": d.version,
        "effective_on": d.effective_on.isoformat(),
        # UTC: one zone in every row, whatever the database keeps.
        "recorded_at": d.recorded_at.astimezone(UTC).isoformat(),
        "position": d.position,
        "data": {k: v for k, v in d.data.items() if k not in PRIVATE},
    }


def decisions_of(item: dict[str, Any]) -> list[Decision]:
    """The decisions a register row (or a dated version of it) keeps."""
    return [
        Decision(
            kind=d["kind"],
            version=int(d["version"]),
            effective_on=date.fromisoformat(d["effective_on"]),
            recorded_at=datetime.fromisoformat(d["recorded_at"]),
            data=d["data"],
            position=d["position"],
        )
        for d in item.get("decisions") or []
    ]


def published(
    decisions: Sequence[Decision], on: date, known_at: datetime | None = None
) -> dict[str, Any] | None:
    """The published columns in force on ``on`` as known at ``known_at``: status, licence,
    supervision, blacklisting, legitimacy, dated history and penalties; None before the
    institution was in the register (or recorded in it)."""
    s = standing(decisions, on, known_at)
    if s is None:
        return None
    known = [d for d in decisions if known_at is None or d.recorded_at <= known_at]
    return {
        "registered_on": s.registered_on.isoformat(),
        "licence_no": s.licence["licence_no"] if s.licence else None,
        "licence_valid_to": s.licence["valid_to"] if s.licence else None,
        "licence_expired": s.licence_expired,
        "supervision_mode": s.supervision["mode"] if s.supervision else None,
        "supervision_bank": s.supervision["bank"] if s.supervision else None,
        "status": s.status,
        "blacklisted": s.blacklisted,
        "blacklisting": s.blacklisting,
        "legitimate": s.legitimate,
        "history": [h for h in status_history(known) if h["effective_on"] <= on.isoformat()],
        "penalties": s.penalties,
        "next_change_on": next_change(known, on),
    }
