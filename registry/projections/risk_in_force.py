"""What the risk alerts read of an institution: its standing in force by effective dates on
the alerts' day, and the signals that standing decides (licence, coverage, an ended
supervision, an abnormal closure, orders closed by deregistration).

A row keeps the institution's dated decisions (``register_day.kept_decision``); each decision,
and each day reviewed that reaches ``next_change_on``, folds them again
(``registry.domain.standing``) and judges what changed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from registry.domain.events import (
    InstitutionRegistered,
    RectificationOrdered,
    RectificationVerified,
)
from registry.domain.standing import (
    Decision,
    Standing,
    decision_of,
    entry_day,
    in_force_decision,
    next_change,
    standing,
)
from registry.projections.base import Fact
from registry.projections.public_items import decisions_of
from registry.projections.register_day import kept_decision
from registry.projections.risk_bookkeeping import LICENCE_ENDED, RiskBookkeeping
from registry.projections.risk_signals import (
    CLOSURE,
    COVERAGE,
    EXPIRED,
    LICENCE,
    OVERDUE,
    UNSUPERVISED,
)


class RiskInForce(RiskBookkeeping):
    """The institution's side of the risk alerts: decisions and rectification orders."""

    def _institution_fact(self, fact: Fact) -> None:
        key, event = fact.key, fact.event
        on = self.day.recorded(fact)
        if isinstance(event, InstitutionRegistered):
            self.institutions[key] = {
                "institution_id": key,
                "district_code": event.district_code,
                "licence_status": "registered",
                "licence_no": None,
                "licence_valid_to": None,
                "licence_position": None,
                "escrow_balance_fen": 0,
                "reserve_fen": 0,
                "unconsumed_fen": 0,
                "last_paid_on": None,
                "supervision_ended": None,
                "decisions": [],
                "next_change_on": None,
            }
        inst = self.institutions[key]
        self.changed["institutions"].add(key)
        decision = decision_of(event, fact.position)
        if decision is not None:
            inst["decisions"] = [*inst["decisions"], kept_decision(decision)]
            self._in_force(inst, on, fact)
        elif isinstance(event, RectificationOrdered):
            self.orders[event.order_id] = {
                "order_id": event.order_id,
                "institution_id": key,
                "deadline": date.fromisoformat(event.deadline),
                "position": fact.position,
            }
            self.changed["orders"].add(event.order_id)
        elif isinstance(event, RectificationVerified):
            if event.outcome == "completed":
                self._close_order(event.order_id, fact)

    def _in_force(self, inst: dict[str, Any], on: date, fact: Fact) -> None:
        """Bring an institution's licence, supervision and status to what is in force on
        ``on`` by the decisions' effective dates, and judge what that changes: the licence's
        alerts, coverage, an ended supervision, an abnormal closure, orders that close."""
        decisions = decisions_of(inst)
        s = standing(decisions, on)
        inst["next_change_on"] = next_change(decisions, on) if s else entry_day(decisions)
        if s is None:  # entered in the register from a later day
            return
        was, inst["licence_status"] = inst["licence_status"], s.status
        self._licence_in_force(inst, s, decisions, on, fact)
        reserve = int((s.supervision or {}).get("reserve_fen") or 0)
        if (reserve, s.supervision_ended) != (inst["reserve_fen"], inst["supervision_ended"]):
            inst["reserve_fen"], inst["supervision_ended"] = reserve, s.supervision_ended
            self._judge_coverage(inst, fact)
        if s.status == was:
            return
        if s.cessation is None:
            # No cessation in force (an annulled one is left out of the fold): no closure.
            self._resolve(inst, CLOSURE, None, fact)
        if s.status == "deregistered":
            # A deregistered institution can no longer be verified: its orders close.
            key = inst["institution_id"]
            for order_id in [o for o, r in self.orders.items() if r["institution_id"] == key]:
                self._close_order(order_id, fact)
        if s.status == "ceased" and s.cessation and s.cessation["kind"] == "abnormal":
            ceased = in_force_decision(decisions, on, "OperationsCeased")
            metrics = {
                "ceased_on": s.cessation["ceased_on"],
                "reason": s.cessation["reason"],
                "escrow_balance_fen": inst["escrow_balance_fen"],
                "unconsumed_fen": inst["unconsumed_fen"],
            }
            positions = [p for p in (ceased.position if ceased else None, fact.position) if p]
            self._raise(inst, CLOSURE, None, ("red", metrics), fact, positions)

    def _licence_in_force(
        self, inst: dict[str, Any], s: Standing, decisions: list[Decision], on: date, fact: Fact
    ) -> None:
        """The licence in force and its last day; the alerts of a licence that ended (revoked,
        ceased, converted, deregistered) or was replaced resolve; a licence whose last day moved
        is judged again while its alert is open."""
        licence = s.licence if s.status not in LICENCE_ENDED else None
        licence_no = licence["licence_no"] if licence else None
        valid_to = date.fromisoformat(licence["valid_to"]) if licence else None
        if inst["licence_no"] is not None and inst["licence_no"] != licence_no:
            self._resolve(inst, LICENCE, inst["licence_no"], fact)
            self._resolve(inst, EXPIRED, inst["licence_no"], fact)
        if (licence_no, valid_to) == (inst["licence_no"], inst["licence_valid_to"]):
            return
        latest = in_force_decision(decisions, on, "LicenceIssued", "LicenceRenewed")
        inst["licence_no"], inst["licence_valid_to"] = licence_no, valid_to
        inst["licence_position"] = latest.position if latest and licence else None
        open_now = self._open_alert(inst, LICENCE, licence_no) or self._open_alert(
            inst, EXPIRED, licence_no
        )
        if self.clock_day is not None and licence_no is not None and open_now:
            self._judge_licence(inst, self.clock_day, fact)

    def _close_order(self, order_id: str, fact: Fact) -> None:
        order = self.orders.pop(order_id, None)
        if order is None:
            return
        self.changed["orders"].discard(order_id)
        self.gone_orders.add(order_id)
        self._resolve(self.institutions[order["institution_id"]], OVERDUE, order_id, fact)

    def _judge_coverage(self, inst: dict[str, Any], fact: Fact) -> None:
        """Coverage and an ended supervision, judged on every contract fact. Most facts leave
        an institution covered, supervised and without such an alert open, which changes
        nothing: that is told from the figures alone, without building the metrics."""
        ended = inst["supervision_ended"]
        ended_on = ended["ended_on"] if ended else None
        escrow, owed = inst["escrow_balance_fen"], inst["unconsumed_fen"]
        reserve = inst["reserve_fen"]
        key = inst["institution_id"]
        held = 0 if ended_on else escrow + reserve
        if (key, COVERAGE, "") in self.open or self.signals.coverage_level(held, owed):
            judged = self.signals.coverage(escrow, owed, reserve, ended_on)
            self._judge(inst, COVERAGE, None, judged, fact, [fact.position])
        if ended is not None or (key, UNSUPERVISED, "") in self.open:
            self._judge_supervision(inst, fact)

    def _judge_supervision(self, inst: dict[str, Any], fact: Fact) -> None:
        judged = self.signals.supervision_ended(
            inst["supervision_ended"], inst["escrow_balance_fen"], inst["unconsumed_fen"]
        )
        self._judge(inst, UNSUPERVISED, None, judged, fact, [fact.position])

    def _judge_licence(self, inst: dict[str, Any], on: date, fact: Fact) -> None:
        licence_no, valid_to = inst["licence_no"], inst["licence_valid_to"]
        positions = [inst["licence_position"], fact.position]
        judged = self.signals.licence(licence_no, valid_to, on)
        self._judge(inst, LICENCE, licence_no, judged, fact, positions)
        expired = self.signals.expired(licence_no, valid_to, on)
        self._judge(inst, EXPIRED, licence_no, expired, fact, list(positions))
