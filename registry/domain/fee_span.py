"""The period one charge pays for, and how early it was collected (docs/domain.md §4.6).

A charge's span runs from the start of the period it covers to its end, in calendar months. The
feed may report the period (``covers_from``, ``covers_until``); what it leaves out is inferred
from the lessons the charge buys and the contract's pace, its lessons spread evenly over its
term. The period starts when the charge's first lesson is due: the contract's start; for a later
charge, the day after the period the charge before it reported, if that is still to come, else
once the lessons already paid for are taught. It ends when its own lessons are taught,
never after the contract's end. Measured this way, a term paid twelve days before it starts is
three months long, and one payment for a ten-month course is ten months long whether or not the
feed says so.
"""

from __future__ import annotations

import calendar as _months
import math
from dataclasses import dataclass
from datetime import date, timedelta

from registry.domain import rules
from registry.domain.rules import DEFAULT_RULE_PACK, Rule, RulePack

Breach = tuple[Rule, str]


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (earlier when negative), clamped to the
    month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, _months.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Schedule:
    """The contract's pace as signed: ``lessons`` (paid and gift) from ``start`` to ``end``."""

    start: date
    end: date
    lessons: int

    def days_for(self, lessons: int) -> int:
        """The days ``lessons`` take at the contract's pace (whole days, rounded up)."""
        term_days = (self.end - self.start).days + 1
        return math.ceil(lessons * term_days / max(1, self.lessons))


@dataclass(frozen=True)
class Span:
    """The period a charge pays for, each end reported by the feed or inferred."""

    starts_on: date
    ends_on: date
    start_reported: bool
    end_reported: bool

    def beyond(self, months: int) -> bool:
        """Longer than ``months`` calendar months: from 03-01 the third month ends on 05-31."""
        return self.ends_on >= add_months(self.starts_on, months)

    def describe(self) -> str:
        def how(reported: bool) -> str:
            return "reported" if reported else "inferred"

        return (
            f"{self.starts_on} ({how(self.start_reported)}) to {self.ends_on} "
            f"({how(self.end_reported)})"
        )


def charge_span(
    *,
    paid_on: date,
    covers_from: date | None,
    covers_until: date | None,
    lessons_bought: int,
    lessons_ahead: int,
    schedule: Schedule,
    follows_until: date | None = None,
) -> Span:
    """The period a charge of ``lessons_bought`` lessons (paid and gift) pays for, paid on
    ``paid_on`` while ``lessons_ahead`` lessons already paid for on the contract are untaught
    and the charge before it reported paying until ``follows_until``."""
    starts_on = covers_from
    if starts_on is None:
        first_possible = max(paid_on, schedule.start)
        if follows_until is not None and follows_until >= first_possible:
            starts_on = follows_until + timedelta(days=1)
        else:
            starts_on = first_possible + timedelta(days=schedule.days_for(lessons_ahead))
    ends_on = covers_until
    if ends_on is None:
        by_lessons = starts_on + timedelta(days=schedule.days_for(lessons_bought) - 1)
        ends_on = max(starts_on, min(by_lessons, schedule.end))
    return Span(starts_on, ends_on, covers_from is not None, covers_until is not None)


def span_breaches(
    *,
    span: Span,
    paid_on: date,
    lessons_remaining: int,
    pack: RulePack = DEFAULT_RULE_PACK,
) -> list[Breach]:
    """A span over the months allowed; a collection earlier than allowed before the period
    starts, unless it renews a block with few enough lessons left (``lessons_remaining``:
    lessons paid for before this charge and not yet taught)."""
    limits = pack.prepaid
    found: list[Breach] = []
    if span.beyond(limits.max_months):
        found.append(
            (
                rules.PREPAID_MAX_MONTHS,
                f"the charge of {paid_on} pays for {span.describe()}, "
                f"beyond {limits.max_months} months",
            )
        )
    earliest = add_months(span.starts_on, -limits.advance_months)
    renewing = 0 < lessons_remaining <= limits.renewal_lessons
    if paid_on < earliest and not renewing:
        left = f" with {lessons_remaining} lessons still to teach" if lessons_remaining else ""
        found.append(
            (
                rules.PREPAID_ADVANCE_COLLECTION,
                f"collected on {paid_on}{left} for a period starting {span.starts_on}: "
                f"earlier than {limits.advance_months} month(s) before it ({earliest})",
            )
        )
    return found
