"""Whether an institution may enrol pupils and collect fees on a day, judged on the effective
dates of the decisions about it, not on when they were recorded.

A contract signed, or a fee collected, on a day the institution may not enrol (its enrolment
suspended, its licence revoked or expired, its operations ceased, or no licence at all) is
recorded and flagged: the family's contract exists all the same (docs/domain.md §4.6).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from registry.domain import rules, standing
from registry.domain.rules import Rule

Breach = tuple[Rule, str]

# The status on a day in which no pupil is enrolled (责令停止招收学员 and what follows it).
NOT_ENROLLING = (
    "not_registered",
    "registered",
    "suspended",
    "converting",
    "converted",
    "revoked",
    "ceased",
    "deregistered",
)


def _on(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def in_force_on(institution: Any, day: date) -> dict[str, Any]:
    """What a fee or a contract of ``day`` is judged against: the status, licence (its last day
    as ``licence_valid_to``) and fund supervision in force that day, folded from the dated
    decisions of ``institution`` (an ``Institution``) as the registry knows them now
    (``standing.in_force_on``: annulled decisions left out, those dated after ``day`` too)."""
    found = standing.in_force_on(institution.decisions, day)
    licence = found["licence"]
    return {**found, "licence_valid_to": licence["valid_to"] if licence else None}


def licence_expired(institution: dict[str, Any], day: date) -> Breach | None:
    """The licence's last day has passed without a renewal beyond it."""
    valid_to = _on(institution.get("licence_valid_to"))
    if valid_to is None or day <= valid_to or institution["status"] != "licensed":
        return None
    return rules.LICENCE_EXPIRED, f"on {day} the licence had expired on {valid_to}"


def enrolment_breaches(institution: dict[str, Any], day: date) -> list[Breach]:
    """What a contract signed on ``day`` breaks: enrolment not permitted, an expired licence."""
    expired = licence_expired(institution, day)
    status = institution["status"]
    found: list[Breach] = []
    if status in NOT_ENROLLING:
        why = {
            "registered": "has no licence",
            "not_registered": "was not yet in the register",
        }.get(status, f"is {status}")
        found.append((rules.ENROLMENT_NOT_PERMITTED, f"signed on {day}: the institution {why}"))
    elif expired is not None:
        found.append(
            (rules.ENROLMENT_NOT_PERMITTED, f"signed on {day}: the institution's licence expired")
        )
    if expired is not None:
        found.append(expired)
    return found
