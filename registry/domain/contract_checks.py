"""The compliance checks a reported fact is measured against; they flag, they never refuse.

Each check answers the breaches a payment or a lesson session commits, as (rule, detail) pairs;
the contract records them next to the fact with the rule pack's version.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from registry.domain import rules
from registry.domain.calendar import DEFAULT_CALENDAR, SchoolCalendar
from registry.domain.clock import SHANGHAI
from registry.domain.enrolment import licence_expired
from registry.domain.fee_span import Span, span_breaches
from registry.domain.rules import DEFAULT_RULE_PACK, Rule, RulePack

Breach = tuple[Rule, str]

NOT_COLLECTING = (
    "not_registered",
    "suspended",
    "converting",
    "converted",
    "revoked",
    "ceased",
    "deregistered",
)


def payment_breaches(
    *,
    amount_fen: int,
    paid_at: datetime,
    span: Span,
    lessons_covered: int,
    outstanding_lessons: int,
    into_supervised_account: bool,
    outstanding_elsewhere: int = 0,
    institution: dict[str, Any],
    pack: RulePack = DEFAULT_RULE_PACK,
) -> list[Breach]:
    """What a fee collection broke: span and advance, lessons, amount, account, the
    institution's state. ``outstanding_lessons`` are the lessons paid for before this charge
    on the contract and not yet taught; ``outstanding_elsewhere`` the pupil's on the contracts
    counted with it."""
    limits = pack.prepaid
    paid_on = paid_at.astimezone(SHANGHAI).date()
    ahead = outstanding_lessons + outstanding_elsewhere
    found = span_breaches(span=span, paid_on=paid_on, lessons_remaining=ahead, pack=pack)
    if lessons_covered + ahead > limits.max_lessons:
        elsewhere = (
            f" ({outstanding_elsewhere} of them on the pupil's other contracts)"
            if outstanding_elsewhere
            else ""
        )
        found.append(
            (
                rules.PREPAID_MAX_LESSONS,
                f"{lessons_covered} lessons charged with {ahead} still unconsumed{elsewhere} "
                f"make {lessons_covered + ahead}, over {limits.max_lessons}",
            )
        )
    if amount_fen > limits.max_amount_fen:
        found.append(
            (
                rules.PREPAID_MAX_AMOUNT,
                f"{amount_fen} fen in one charge, over {limits.max_amount_fen} fen",
            )
        )
    if not into_supervised_account:
        found.append((rules.PREPAID_SUPERVISED_ACCOUNT, "paid outside the supervised account"))
    if institution["status"] in NOT_COLLECTING:
        found.append(
            (
                rules.PREPAID_INSTITUTION_OPERATING,
                f"collected while the institution is {institution['status']}",
            )
        )
    expired = licence_expired(institution, paid_on)
    if expired is not None:
        found.append(expired)
    if institution.get("supervision") is None:
        found.append(
            (rules.PREPAID_SUPERVISION_IN_PLACE, "the institution has no fund supervision")
        )
    return found


def lesson_breaches(
    *,
    category: str,
    lessons: int,
    starts_at: datetime,
    ends_at: datetime,
    delivery: str,
    pack: RulePack = DEFAULT_RULE_PACK,
    school_calendar: SchoolCalendar = DEFAULT_CALENDAR,
) -> list[Breach]:
    """What a lesson session broke: rest days for academic training, late ends, long online."""
    hours = pack.hours
    start, end = starts_at.astimezone(SHANGHAI), ends_at.astimezone(SHANGHAI)
    found: list[Breach] = []
    if category == "academic":
        why = school_calendar.closed_to_academic_training(start.date())
        if why:
            found.append(
                (rules.LESSONS_ACADEMIC_REST_DAY, f"academic lesson on {start.date()}, {why}")
            )
    latest = hours.offline_latest_end if delivery == "offline" else hours.online_latest_end
    if end.date() > start.date() or end.time() > latest:
        rule = rules.LESSONS_OFFLINE_END if delivery == "offline" else rules.LESSONS_ONLINE_END
        found.append((rule, f"{delivery} lesson ends at {end:%H:%M}, after {latest:%H:%M}"))
    minutes = (end - start).total_seconds() / 60 / lessons
    if delivery == "online" and minutes > hours.online_max_minutes:
        found.append(
            (
                rules.LESSONS_ONLINE_LENGTH,
                f"online lessons of {minutes:.0f} minutes, over {hours.online_max_minutes}",
            )
        )
    return found
