"""Risk alerts: the signals of docs/domain.md §4.10, raised and resolved from the log.

Signals (numbers from ``DEFAULT_RULE_PACK.risk``; sources in docs/domain.md §4.10):

- ``coverage``: per institution, (escrow balance + risk reserve) ÷ unconsumed liability of its
  contracts not completed (a terminated contract owes its unconsumed fees until refunded or
  transferred). Yellow below 1.0, red below 0.8; the level follows the money; resolved at 1.0
  or more, or when nothing is owed.
- ``compliance_breach``: one alert per ``ComplianceBreachDetected`` on a contract, naming the
  breached rule and the version that judged it. Red when families' money is at risk now
  (collected while not operating, outside the supervised account, without supervision), yellow
  otherwise. It stays open: a breach is a fact, it does not go away.
- ``prepaid_inflow_spike``: fees paid in the last 30 days (by payment day, Asia/Shanghai) over
  2× the monthly average of the 90 days before them; only once there is such an average.
  Yellow; resolved when back under.
- ``rectification_overdue``: on each day the registry reviews, an open order whose deadline
  has passed. Red; resolved when verified as completed (or the institution is deregistered).
- ``licence_expiring``: on each day reviewed, a licence ending within 60 days (red once it
  has ended). Resolved by a renewal beyond the window, or when the institution's licence ends
  otherwise (revocation, cessation, conversion, deregistration).
- ``licence_expired``: on each day reviewed after a licence's last day without renewal (rule
  ``licence.expired``). Red; resolved by a renewal, or when the licence ends otherwise.
- ``abnormal_closure``: an abnormal cessation (跑路/闭店), on the day it takes effect. Red;
  stays open unless the cessation is annulled.
- ``supervision_ended``: the fund supervision has ended, none is in place again, and
  unconsumed fees are owed. Red; resolved when supervision is established again or nothing is
  owed. Coverage then counts nothing as held.

- ``complaint_surge``: refund cases opened against an institution in the last 7 days (by the
  day recorded, Asia/Shanghai): at least 5 and at least 3× the weekly mean of the 12 weeks
  before. Yellow; resolved when the window falls back under (judged again on each day
  reviewed).

Escrow is what the supervised account holds (see ``refund_tracking``): fees paid outside it
are owed but not covered, which is what makes coverage fall.

Every fact is judged on its own, in log order, against state carried between batches, and an
alert's id derives from its signal, institution, subject and the position that raised it. So
the rows do not depend on how the log was cut into batches: a rebuild gives the same rows as
the incremental build. Time enters only through the registry's ``DayReviewed`` events, so a
replay judges the same days. An institution's standing (status, licence, supervision,
cessation) is folded from its dated decisions by effective dates (``registry.domain.standing``)
on the alerts' day (``register_day``): a decision dated ahead counts from the day reviewed that
reaches it, a back-dated or annulled one at once (``risk_in_force``). Metrics are the figures
of the latest evaluation while the alert was open (for coverage and inflow, the one that
resolved it too).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from eventsourcing.domain import DomainEvent

from registry.domain.clock import SHANGHAI
from registry.domain.events import (
    ComplianceBreachDetected,
    DayReviewed,
    PrepaidFeeCollected,
    RefundCaseOpened,
)
from registry.domain.rules import DEFAULT_RULE_PACK, RulePack
from registry.projections import refund_tracking as rt
from registry.projections.base import Fact
from registry.projections.risk_bookkeeping import (
    CONTRACT_EVENTS,
    INSTITUTION_EVENTS,
)
from registry.projections.risk_in_force import RiskInForce
from registry.projections.risk_signals import (
    BREACH,
    COMPLAINTS,
    INFLOW_SPIKE,
    OVERDUE,
    SIGNALS,
    Signals,
)
from registry.projections.risk_tables import alerts

__all__ = ["SIGNALS", "RiskAlerts", "alerts"]

CLOSED_CONTRACTS = ("completed",)


def _owed(row: dict[str, Any]) -> int:
    """What a contract adds to its institution's liability: its unconsumed fees until it is
    completed (a terminated or frozen contract still owes them until refunded)."""
    return 0 if row["status"] in CLOSED_CONTRACTS else int(row["unconsumed_fen"])


class RiskAlerts(RiskInForce):
    name: ClassVar[str] = "risk_alerts"
    # 2: 64-bit positions and fen; 3: complaint surges; 4: charges as blocks, terminated
    # contracts owed, the risk reserve in coverage; 5: by effective dates on the days
    # reviewed, annulments followed, an ended supervision; 6: an annulled abnormal cessation
    # resolves its closure alert
    version: ClassVar[int] = 6
    follows: ClassVar[tuple[type[DomainEvent], ...]] = (
        *INSTITUTION_EVENTS,
        *CONTRACT_EVENTS,
        DayReviewed,
        RefundCaseOpened,
    )

    def __init__(self, pack: RulePack = DEFAULT_RULE_PACK) -> None:
        self.signals = Signals(pack)
        self._contract_events = frozenset(CONTRACT_EVENTS)

    # -- handle: one fact at a time, in memory -----------------------------------------------

    def handle(self, fact: Fact) -> None:
        event = fact.event
        if isinstance(event, DayReviewed):
            self._day_reviewed(fact, date.fromisoformat(event.on))
        elif isinstance(event, ComplianceBreachDetected):
            rule = (event.rule, event.rule_version)
            self._breach(fact, rule, event.detail, event.event_version)
        elif isinstance(event, RefundCaseOpened):
            self._case_opened(fact, event.institution_id)
        elif type(event) in self._contract_events:
            self._contract_fact(fact)
        else:
            self._institution_fact(fact)

    def _contract_fact(self, fact: Fact) -> None:
        key = fact.key
        before = self.contracts.get(key)
        if before is None:
            owner_before, escrow_before, owed_before = None, 0, 0
        else:
            owner_before = before["institution_id"]
            escrow_before, owed_before = before["escrow_balance_fen"], _owed(before)
        row = rt.apply_contract_fact(self.contracts, fact)
        row["fact_version"] = fact.version
        self.changed["contracts"].add(key)
        owner = row["institution_id"]
        escrow, owed = row["escrow_balance_fen"], _owed(row)
        if owner_before == owner:  # the same institution: what changed is added once
            self._add_totals(owner, escrow - escrow_before, owed - owed_before)
            self._judge_coverage(self.institutions[owner], fact)
        else:
            if owner_before is not None:
                self._add_totals(owner_before, -escrow_before, -owed_before)
            self._add_totals(owner, escrow, owed)
            for institution_id in {owner_before, owner} - {None}:
                self._judge_coverage(self.institutions[str(institution_id)], fact)
        event = fact.event
        if isinstance(event, PrepaidFeeCollected):
            paid_on = datetime.fromisoformat(event.paid_at).astimezone(SHANGHAI).date()
            self._record_inflow(self.institutions[owner], paid_on, event.amount_fen)
            self._judge_inflow(self.institutions[owner], fact)

    def _add_totals(self, institution_id: str, escrow: int, owed: int) -> None:
        inst = self.institutions[institution_id]
        inst["escrow_balance_fen"] += escrow
        inst["unconsumed_fen"] += owed
        self.changed["institutions"].add(institution_id)

    def _breach(self, fact: Fact, rule: tuple[str, str], detail: str, found_on: int) -> None:
        """A breach of ``rule`` (id, version) found on the contract's event ``found_on``."""
        key = fact.key
        row = self.contracts[key]
        inst = self.institutions[row["institution_id"]]
        positions = [fact.position]
        if row["fact_version"] == found_on:  # the fact it was found on, same save
            positions.insert(0, row["position"])
        judged = (self.signals.breach_level(rule[0]), {"contract_id": key, "detail": detail})
        self._raise(inst, BREACH, key, judged, fact, positions, rule)

    def _day_reviewed(self, fact: Fact, on: date) -> None:
        self.clock_day, self.clock_position, self.clock_changed = on, fact.position, True
        day = self.day.advance(on)
        for key, inst in self.institutions.items():
            change = inst["next_change_on"]
            if change is not None and change <= day:
                self.changed["institutions"].add(key)
                self._in_force(inst, day, fact)
        for inst in self.institutions.values():
            if inst["licence_valid_to"] is not None:
                self._judge_licence(inst, on, fact)
        for order in list(self.orders.values()):
            if order["deadline"] < on:
                judged = self.signals.overdue(order["order_id"], order["deadline"], on)
                positions = [order["position"], fact.position]
                inst = self.institutions[order["institution_id"]]
                self._judge(inst, OVERDUE, order["order_id"], judged, fact, positions)
        for institution_id in set(self.inflows) | {k[0] for k in self.open if k[1] == INFLOW_SPIKE}:
            self._judge_inflow(self.institutions[institution_id], fact)
        surging = {k[0] for k in self.open if k[1] == COMPLAINTS}
        for institution_id in set(self.complaints) | surging:
            self._judge_complaints(self.institutions[institution_id], fact)

    def _case_opened(self, fact: Fact, institution_id: str) -> None:
        inst = self.institutions[institution_id]
        opened_on = fact.recorded_at.astimezone(SHANGHAI).date()
        days = self.complaints.setdefault(inst["institution_id"], {})
        days[opened_on] = days.get(opened_on, 0) + 1
        self.changed["complaints"].add((inst["institution_id"], opened_on))
        self.gone_complaint_days.discard((inst["institution_id"], opened_on))
        self._judge_complaints(inst, fact)

    # -- the signals -------------------------------------------------------------------------

    def _record_inflow(self, inst: dict[str, Any], paid_on: date, amount_fen: int) -> None:
        last = inst["last_paid_on"]
        if last is None or paid_on > last:
            inst["last_paid_on"] = paid_on
        if paid_on < self.signals.horizon(self._as_of(inst)):
            return  # too old to fall in any window from now on
        days = self.inflows.setdefault(inst["institution_id"], {})
        days[paid_on] = days.get(paid_on, 0) + amount_fen
        self.changed["inflows"].add((inst["institution_id"], paid_on))
        self.gone_days.discard((inst["institution_id"], paid_on))

    def _as_of(self, inst: dict[str, Any]) -> date:
        """The day an institution's inflow windows end: the later of the clock and its last
        payment day (a feed reports today's payments before the registry reviews today)."""
        return max(d for d in (self.clock_day, inst["last_paid_on"]) if d is not None)

    def _judge_inflow(self, inst: dict[str, Any], fact: Fact) -> None:
        institution_id, as_of = inst["institution_id"], self._as_of(inst)
        days = self._forget_before(
            self.inflows, "inflows", self.gone_days, institution_id, self.signals.horizon(as_of)
        )
        judged = self.signals.inflow_spike(days, as_of)
        self._judge(inst, INFLOW_SPIKE, None, judged, fact, [fact.position])

    def _judge_complaints(self, inst: dict[str, Any], fact: Fact) -> None:
        """Judge the complaint window ending on the later of the clock and the last case day,
        dropping the days no window will reach again."""
        institution_id = inst["institution_id"]
        last_case_on = max(self.complaints.get(institution_id, {}), default=None)
        as_of = max(d for d in (self.clock_day, last_case_on) if d is not None)
        days = self._forget_before(
            self.complaints,
            "complaints",
            self.gone_complaint_days,
            institution_id,
            self.signals.complaint_horizon(as_of),
        )
        judged = self.signals.complaint_surge(days, as_of)
        self._judge(inst, COMPLAINTS, None, judged, fact, [fact.position])

    def _forget_before(
        self,
        by_institution: dict[str, dict[date, int]],
        table: str,
        gone: set[tuple[str, date]],
        institution_id: str,
        horizon: date,
    ) -> dict[date, int]:
        """An institution's figures by day from ``horizon`` on; earlier days, which no window
        will reach again, are dropped here and from ``table`` at the flush."""
        days = by_institution.get(institution_id, {})
        for day in [d for d in days if d < horizon]:
            del days[day]
            self.changed[table].discard((institution_id, day))
            gone.add((institution_id, day))
        if not days:
            by_institution.pop(institution_id, None)
        return days
