"""The compliance checks a reported fact is measured against; they flag, they never refuse.

Each check answers the breaches a payment or a lesson session commits, as (rule, detail) pairs;
the contract records them next to the fact with the rule pack's version.
"""

from __future__ import annotations

import calendar as _months
from datetime import date, datetime
from typing import Any

from registry.domain import rules
from registry.domain.calendar import DEFAULT_CALENDAR, SchoolCalendar
from registry.domain.clock import SHANGHAI
from registry.domain.enrolment import licence_expired
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


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, _months.monthrange(year, month)[1]))


def payment_breaches(
    *,
    amount_fen: int,
    paid_at: datetime,
    covers_until: date | None,
    lessons_covered: int,
    outstanding_lessons: int,
    into_supervised_account: bool,
    institution: dict[str, Any],
    pack: RulePack = DEFAULT_RULE_PACK,
) -> list[Breach]:
    """What a fee collection broke: span, lessons, amount, account, the institution's state."""
    limits = pack.prepaid
    found: list[Breach] = []
    paid_on = paid_at.astimezone(SHANGHAI).date()
    # A charge paid on 03-01 may cover up to 05-31; covering 06-01 is a fourth month.
    if covers_until is not None and covers_until >= add_months(paid_on, limits.max_months):
        found.append(
            (
                rules.PREPAID_MAX_MONTHS,
                f"the charge of {paid_on} covers until {covers_until}, "
                f"beyond {limits.max_months} months",
            )
        )
    if lessons_covered + outstanding_lessons > limits.max_lessons:
        found.append(
            (
                rules.PREPAID_MAX_LESSONS,
                f"{lessons_covered} lessons charged with {outstanding_lessons} still unconsumed "
                f"make {lessons_covered + outstanding_lessons}, over {limits.max_lessons}",
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
