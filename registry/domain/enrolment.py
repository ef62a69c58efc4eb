"""Whether an institution may enrol pupils and collect fees on a day, judged on the effective
dates of the decisions about it, not on when they were recorded.

A contract signed, or a fee collected, on a day the institution may not enrol (its enrolment
suspended, its licence revoked or expired, its operations ceased, or no licence at all) is
recorded and flagged: the family's contract exists all the same (docs/domain.md §4.6).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from registry.domain import rules
from registry.domain.rules import Rule

Breach = tuple[Rule, str]

# The status on a day in which no pupil is enrolled (责令停止招收学员 and what follows it).
NOT_ENROLLING = (
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


def status_on(institution: Any, day: date) -> str:
    """The status of ``institution`` (an ``Institution``) in force on ``day``: its decisions
    applied in the order of their effective dates, those dated after ``day`` left out."""
    licence = institution.licence
    conversion = institution.conversion or {}
    dated: list[tuple[date | None, int, str]] = [
        (_on(licence and licence["valid_from"]), 0, "licensed"),
        (_on(institution.suspension and institution.suspension["effective_from"]), 1, "suspended"),
        (_on(conversion.get("started_on")), 1, "converting"),
        (_on(conversion.get("abandoned_on")), 2, "licensed"),
        (_on(institution.revocation and institution.revocation["effective_on"]), 2, "revoked"),
        (_on(conversion.get("completed_on")), 3, "converted"),
        (_on(institution.cessation and institution.cessation["ceased_on"]), 3, "ceased"),
        (
            _on(institution.deregistration and institution.deregistration["deregistered_on"]),
            4,
            "deregistered",
        ),
    ]
    status = "registered"
    for effective, _rank, becomes in sorted((d, r, s) for d, r, s in dated if d is not None):
        if effective <= day:
            status = becomes
    return status


def in_force_on(institution: Any, day: date) -> dict[str, Any]:
    """What a fee or a contract of ``day`` is judged against: the status in force that day, the
    licence's last day and the fund supervision."""
    licence = institution.licence
    return {
        "status": status_on(institution, day),
        "licence_valid_to": licence["valid_to"] if licence else None,
        "supervision": institution.supervision,
        "on": day.isoformat(),
    }


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
        why = "has no licence" if status == "registered" else f"is {status}"
        found.append((rules.ENROLMENT_NOT_PERMITTED, f"signed on {day}: the institution {why}"))
    elif expired is not None:
        found.append(
            (rules.ENROLMENT_NOT_PERMITTED, f"signed on {day}: the institution's licence expired")
        )
    if expired is not None:
        found.append(expired)
    return found
