"""The risk signals of docs/domain.md §4.10 as pure judgements: figures in, a level and metrics
out.

Each judgement answers ``(level, metrics)``: ``"yellow"``, ``"red"`` or ``None`` (no alert), and
the figures it was judged on, as JSON. The numbers come from the rule pack (``pack.risk``); the
``risk_alerts`` projection decides when to judge and keeps the alerts.
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from registry.domain import rules
from registry.domain.rules import DEFAULT_RULE_PACK, RulePack

COVERAGE = "coverage"
BREACH = "compliance_breach"
INFLOW_SPIKE = "prepaid_inflow_spike"
OVERDUE = "rectification_overdue"
LICENCE = "licence_expiring"
EXPIRED = "licence_expired"
CLOSURE = "abnormal_closure"
COMPLAINTS = "complaint_surge"
UNSUPERVISED = "supervision_ended"
SIGNALS = (
    COVERAGE,
    BREACH,
    INFLOW_SPIKE,
    OVERDUE,
    LICENCE,
    EXPIRED,
    CLOSURE,
    COMPLAINTS,
    UNSUPERVISED,
)

# The risk rule of each signal; a breach alert names the breached rule instead.
RULE_OF = {
    COVERAGE: rules.RISK_COVERAGE.id,
    INFLOW_SPIKE: rules.RISK_INFLOW_SPIKE.id,
    OVERDUE: rules.RISK_RECTIFICATION_OVERDUE.id,
    LICENCE: rules.RISK_LICENCE_EXPIRING.id,
    EXPIRED: rules.LICENCE_EXPIRED.id,
    CLOSURE: rules.RISK_ABNORMAL_CLOSURE.id,
    COMPLAINTS: rules.RISK_COMPLAINT_SURGE.id,
    UNSUPERVISED: rules.RISK_SUPERVISION_ENDED.id,
}

Judgement = tuple[str | None, dict[str, Any]]


def _windows(
    days: dict[date, int], as_of: date, window_days: int, trailing_from: date
) -> tuple[date, date, int, int]:
    """The window of ``window_days`` ending on ``as_of`` and the trailing days before it, from
    ``trailing_from``: their first days, and the sums of ``days`` over each."""
    window_from = as_of - timedelta(days=window_days - 1)
    window = sum(n for day, n in days.items() if window_from <= day <= as_of)
    trailing = sum(n for day, n in days.items() if trailing_from <= day < window_from)
    return window_from, trailing_from, window, trailing


def alert_id(signal: str, institution_id: str, subject: str | None, position: int) -> str:
    """The same alert gets the same id however often the log is replayed."""
    name = f"/risk-alerts/{signal}/{institution_id}/{subject or ''}/{position}"
    return str(uuid5(NAMESPACE_URL, name))


class Signals:
    """The thresholds of one rule pack, and the judgements made with them."""

    def __init__(self, pack: RulePack = DEFAULT_RULE_PACK) -> None:
        risk = pack.risk
        self.version = pack.version
        self.coverage_yellow = Fraction(str(risk.coverage_yellow))
        self.coverage_red = Fraction(str(risk.coverage_red))
        self.red_numerator = self.coverage_red.numerator
        self.red_denominator = self.coverage_red.denominator
        self.yellow_numerator = self.coverage_yellow.numerator
        self.yellow_denominator = self.coverage_yellow.denominator
        self.spike_ratio = Fraction(str(risk.inflow_spike_ratio))
        self.window = risk.inflow_window_days
        self.reach = risk.inflow_window_days + risk.inflow_trailing_days  # days an inflow counts
        self.months = Fraction(risk.inflow_trailing_days, risk.inflow_window_days)
        self.warning = timedelta(days=risk.licence_expiry_warning_days)
        self.red_breaches = risk.red_breach_rules
        self.surge_count = risk.complaint_surge_count
        self.surge_ratio = Fraction(str(risk.complaint_surge_ratio))
        self.complaint_window = risk.complaint_window_days
        self.complaint_reach = risk.complaint_window_days + risk.complaint_trailing_days
        self.complaint_weeks = Fraction(risk.complaint_trailing_days, risk.complaint_window_days)

    def coverage(
        self,
        escrow_fen: int,
        owed_fen: int,
        reserve_fen: int = 0,
        custody_ended_on: str | None = None,
    ) -> Judgement:
        """(Escrow balance + risk reserve) ÷ unconsumed liability: red below 0.8, yellow
        below 1.0. Once the fund supervision has ended (``custody_ended_on``) and none is in
        place again, the account's balance is no longer held for the families: nothing
        covers."""
        held = 0 if custody_ended_on else escrow_fen + reserve_fen
        level = self.coverage_level(held, owed_fen)
        metrics: dict[str, Any] = {
            "coverage_ratio": round(held / owed_fen, 4) if owed_fen else None,
            "escrow_balance_fen": escrow_fen,
            "reserve_fen": reserve_fen,
            "unconsumed_fen": owed_fen,
        }
        if custody_ended_on:
            metrics["custody_ended_on"] = custody_ended_on
        return level, metrics

    def coverage_level(self, held_fen: int, owed_fen: int) -> str | None:
        """The level of coverage alone, without its metrics: red when what is held is below
        0.8 of what is owed, yellow below 1.0, None when covered or nothing is owed."""
        if owed_fen <= 0:
            return None
        # held / owed < n / d, in integers
        if held_fen * self.red_denominator < self.red_numerator * owed_fen:
            return "red"
        if held_fen * self.yellow_denominator < self.yellow_numerator * owed_fen:
            return "yellow"
        return None

    @staticmethod
    def supervision_ended(
        ended: dict[str, Any] | None, escrow_fen: int, owed_fen: int
    ) -> Judgement:
        """Unconsumed prepaid fees still owed while the fund supervision has ended and none is
        in place again: red."""
        level = "red" if ended is not None and owed_fen > 0 else None
        metrics = {
            "ended_on": ended["ended_on"] if ended else None,
            "reason": ended["reason"] if ended else None,
            "escrow_balance_fen": escrow_fen,
            "unconsumed_fen": owed_fen,
        }
        return level, metrics

    def inflow_spike(self, days: dict[date, int], as_of: date) -> Judgement:
        """Fees of the 30 days to ``as_of`` over 2× the monthly average of the 90 days before;
        ``days`` are fees by payment day."""
        window_from, trailing_from, window, trailing = _windows(
            days, as_of, self.window, self.horizon(as_of)
        )
        # window > ratio × trailing ÷ months, in integers (ratio and months are fractions)
        ratio, months = self.spike_ratio, self.months
        spike = (
            window * ratio.denominator * months.numerator
            > ratio.numerator * trailing * months.denominator
        )
        level = "yellow" if trailing > 0 and spike else None
        metrics = {
            "window_from": window_from.isoformat(),
            "window_to": as_of.isoformat(),
            "window_fen": window,
            "trailing_from": trailing_from.isoformat(),
            "trailing_fen": trailing,
            "trailing_monthly_average_fen": round(trailing * months.denominator / months.numerator),
            "ratio": (
                round(window * months.numerator / (trailing * months.denominator), 4)
                if trailing
                else None
            ),
        }
        return level, metrics

    def complaint_surge(self, days: dict[date, int], as_of: date) -> Judgement:
        """Refund cases opened in the 7 days to ``as_of``: at least 5, and at least 3× the
        weekly mean of the 12 weeks before (a surge from nothing counts); ``days`` are cases
        by the day they were opened."""
        window_from, trailing_from, window, trailing = _windows(
            days, as_of, self.complaint_window, self.complaint_horizon(as_of)
        )
        # window >= ratio × trailing ÷ weeks, in integers
        ratio, weeks = self.surge_ratio, self.complaint_weeks
        surge = (
            window * ratio.denominator * weeks.numerator
            >= ratio.numerator * trailing * weeks.denominator
        )
        level = "yellow" if window >= self.surge_count and surge else None
        metrics = {
            "window_from": window_from.isoformat(),
            "window_to": as_of.isoformat(),
            "window_cases": window,
            "trailing_from": trailing_from.isoformat(),
            "trailing_cases": trailing,
            "trailing_weekly_mean": round(trailing * weeks.denominator / weeks.numerator, 2),
        }
        return level, metrics

    def complaint_horizon(self, as_of: date) -> date:
        """The first day a complaint judgement as of ``as_of`` counts."""
        return as_of - timedelta(days=self.complaint_reach - 1)

    def horizon(self, as_of: date) -> date:
        """The first payment day an inflow judgement as of ``as_of`` counts."""
        return as_of - timedelta(days=self.reach - 1)

    def licence(self, licence_no: str, valid_to: date, on: date) -> Judgement:
        """A licence ending within 60 days of ``on`` is yellow; one already ended is red."""
        level = None
        if valid_to < on:
            level = "red"
        elif valid_to <= on + self.warning:
            level = "yellow"
        metrics = {
            "licence_no": licence_no,
            "valid_to": valid_to.isoformat(),
            "reviewed_on": on.isoformat(),
            "days_left": (valid_to - on).days,
        }
        return level, metrics

    @staticmethod
    def expired(licence_no: str, valid_to: date, on: date) -> Judgement:
        """A licence whose last day has passed without renewal is red, from the day after."""
        metrics = {
            "licence_no": licence_no,
            "valid_to": valid_to.isoformat(),
            "reviewed_on": on.isoformat(),
            "days_expired": (on - valid_to).days,
        }
        return ("red" if valid_to < on else None), metrics

    @staticmethod
    def overdue(order_id: str, deadline: date, on: date) -> Judgement:
        """A rectification order still open after its deadline is red."""
        metrics = {
            "order_id": order_id,
            "deadline": deadline.isoformat(),
            "reviewed_on": on.isoformat(),
            "days_overdue": (on - deadline).days,
        }
        return ("red" if deadline < on else None), metrics

    def breach_level(self, rule: str) -> str:
        """Red when families' money is at risk now, yellow for any other breach."""
        return "red" if rule in self.red_breaches else "yellow"
