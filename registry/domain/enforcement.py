"""Inspections, rectification orders, enrolment suspension and penalties (监管执法)."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from eventsourcing.domain import event

from registry.domain import institution_events, rules
from registry.domain.errors import NotFound
from registry.domain.licensing import Licensing, Status, require_decision_no
from registry.domain.rules import DEFAULT_RULE_PACK, RulePack, refuse_unless
from registry.domain.vocabulary import Actor


class Inspection(TypedDict):
    id: str
    inspected_on: str
    kind: str
    inspectors: list[str]
    findings: list[dict[str, str]]
    result: str


class Verification(TypedDict):
    verified_on: str
    outcome: str


class RectificationOrder(TypedDict):
    id: str
    inspection_id: str
    items: list[str]
    issued_on: str
    deadline: str
    status: str
    verifications: list[Verification]


class Suspension(TypedDict):
    decision_no: str
    reason: str
    effective_from: str


class Penalty(TypedDict):
    decision_no: str
    kinds: list[str]
    fine_fen: int
    illegal_gains_fen: int
    decided_on: str


class Enforcement(Licensing):
    """What the bureau finds and orders, and the sanctions it decides."""

    # Its events (declared in ``institution_events``, stored under this class's name).
    InspectionRecorded = institution_events.InspectionRecorded
    RectificationOrdered = institution_events.RectificationOrdered
    RectificationVerified = institution_events.RectificationVerified
    EnrolmentSuspended = institution_events.EnrolmentSuspended
    EnrolmentSuspensionLifted = institution_events.EnrolmentSuspensionLifted
    PenaltyImposed = institution_events.PenaltyImposed

    def _start_enforcement(self) -> None:
        """A newly registered institution has no inspections, orders or sanctions."""
        self.inspections: dict[str, Inspection] = {}
        self.rectification_orders: dict[str, RectificationOrder] = {}
        self.suspension: Suspension | None = None
        self.penalties: list[Penalty] = []

    def open_orders(self) -> list[RectificationOrder]:
        return [o for o in self.rectification_orders.values() if o["status"] == "open"]

    def overdue_orders(self, on: date) -> list[RectificationOrder]:
        """Open orders whose deadline has passed by ``on``."""
        return [o for o in self.open_orders() if date.fromisoformat(o["deadline"]) < on]

    # -- inspections and rectification --------------------------------------------------------

    def record_inspection(
        self,
        *,
        inspection_id: str,
        inspected_on: date,
        kind: str,
        inspectors: list[str],
        findings: list[dict[str, str]],
        result: str,
        actor: Actor,
    ) -> None:
        """Inspectors record what they found on a visit or audit (检查)."""
        self._refuse_if_closed()
        refuse_unless(
            result != "rectify" or bool(findings),
            rules.INSPECTION_FINDINGS,
            "an inspection with result 'rectify' must record at least one finding",
        )
        self._inspection_recorded(
            inspection_id=inspection_id,
            inspected_on=inspected_on.isoformat(),
            kind=kind,
            inspectors=list(inspectors),
            findings=[dict(f) for f in findings],
            result=result,
            actor=actor,
        )

    @event(InspectionRecorded)
    def _inspection_recorded(
        self,
        inspection_id: str,
        inspected_on: str,
        kind: str,
        inspectors: list[str],
        findings: list[dict[str, str]],
        result: str,
        actor: Actor,
    ) -> None:
        self.inspections[inspection_id] = {
            "id": inspection_id,
            "inspected_on": inspected_on,
            "kind": kind,
            "inspectors": list(inspectors),
            "findings": [dict(f) for f in findings],
            "result": result,
        }

    def order_rectification(
        self,
        *,
        order_id: str,
        inspection_id: str,
        items: list[str],
        issued_on: date,
        deadline: date,
        actor: Actor,
    ) -> None:
        """The bureau orders the institution to put findings right by a deadline (责令整改)."""
        self._refuse_if_closed()
        refuse_unless(
            inspection_id in self.inspections,
            rules.RECTIFICATION_INSPECTION,
            f"no inspection {inspection_id} is recorded for this institution",
        )
        refuse_unless(
            deadline > issued_on,
            rules.RECTIFICATION_DEADLINE,
            "the deadline must fall after the date the order is issued",
        )
        self._rectification_ordered(
            order_id=order_id,
            inspection_id=inspection_id,
            items=list(items),
            issued_on=issued_on.isoformat(),
            deadline=deadline.isoformat(),
            actor=actor,
        )

    @event(RectificationOrdered)
    def _rectification_ordered(
        self,
        order_id: str,
        inspection_id: str,
        items: list[str],
        issued_on: str,
        deadline: str,
        actor: Actor,
    ) -> None:
        self.rectification_orders[order_id] = {
            "id": order_id,
            "inspection_id": inspection_id,
            "items": list(items),
            "issued_on": issued_on,
            "deadline": deadline,
            "status": "open",
            "verifications": [],
        }

    def verify_rectification(
        self, *, order_id: str, verified_on: date, outcome: str, actor: Actor
    ) -> None:
        """The bureau checks an order: ``completed`` closes it, ``failed`` leaves it open."""
        self._refuse_if_closed()
        order = self.rectification_orders.get(order_id)
        if order is None:
            raise NotFound(f"no rectification order {order_id} for this institution")
        refuse_unless(
            order["status"] == "open",
            rules.RECTIFICATION_OPEN,
            f"order {order_id} is already {order['status']}",
        )
        self._rectification_verified(
            order_id=order_id, verified_on=verified_on.isoformat(), outcome=outcome, actor=actor
        )

    @event(RectificationVerified)
    def _rectification_verified(
        self, order_id: str, verified_on: str, outcome: str, actor: Actor
    ) -> None:
        order = self.rectification_orders[order_id]
        order["verifications"].append({"verified_on": verified_on, "outcome": outcome})
        if outcome == "completed":
            order["status"] = "verified"

    # -- enforcement --------------------------------------------------------------------------

    def suspend_enrolment(
        self, *, decision_no: str, reason: str, effective_from: date, actor: Actor
    ) -> None:
        """The bureau orders the institution to stop enrolling (责令停止招收学员)."""
        require_decision_no(decision_no)
        refuse_unless(
            self.status == Status.LICENSED,
            rules.SUSPENSION_STATE,
            f"only a licensed institution's enrolment is suspended; this one is {self.status}",
        )
        self._check_dated("EnrolmentSuspended", effective_from)
        self._enrolment_suspended(
            decision_no=decision_no,
            reason=reason,
            effective_from=effective_from.isoformat(),
            actor=actor,
        )

    @event(EnrolmentSuspended)
    def _enrolment_suspended(
        self, decision_no: str, reason: str, effective_from: str, actor: Actor
    ) -> None:
        self.status = Status.SUSPENDED
        self.suspension = {
            "decision_no": decision_no,
            "reason": reason,
            "effective_from": effective_from,
        }

    def lift_suspension(
        self, *, decision_no: str, lifted_on: date, today: date, actor: Actor
    ) -> None:
        """The bureau lets a suspended institution enrol again, once no order is overdue."""
        require_decision_no(decision_no)
        refuse_unless(
            self.status == Status.SUSPENDED,
            rules.SUSPENSION_STATE,
            f"the institution's enrolment is not suspended; it is {self.status}",
        )
        self._check_dated("EnrolmentSuspensionLifted", lifted_on)
        overdue = self.overdue_orders(max(lifted_on, today))
        refuse_unless(
            not overdue,
            rules.SUSPENSION_OVERDUE,
            "rectification order(s) "
            + ", ".join(f"{o['id']} (deadline {o['deadline']})" for o in overdue)
            + " are open past their deadline",
        )
        self._enrolment_suspension_lifted(
            decision_no=decision_no, lifted_on=lifted_on.isoformat(), actor=actor
        )

    @event(EnrolmentSuspensionLifted)
    def _enrolment_suspension_lifted(self, decision_no: str, lifted_on: str, actor: Actor) -> None:
        self.status = Status.LICENSED
        self.suspension = None

    def impose_penalty(
        self,
        *,
        decision_no: str,
        kinds: list[str],
        fine_fen: int,
        illegal_gains_fen: int,
        decided_on: date,
        actor: Actor,
        pack: RulePack = DEFAULT_RULE_PACK,
    ) -> None:
        """An administrative penalty decision (行政处罚决定), published on the register."""
        require_decision_no(decision_no)
        unknown = sorted(set(kinds) - pack.penalty_kinds)
        refuse_unless(
            bool(kinds) and not unknown,
            rules.PENALTY_KIND,
            f"penalty kinds must come from {sorted(pack.penalty_kinds)}; got {unknown or kinds}",
        )
        refuse_unless(
            fine_fen >= 0 and illegal_gains_fen >= 0,
            rules.PENALTY_AMOUNTS,
            "fines and illegal gains cannot be negative",
        )
        self._refuse_if_closed()
        # Their status effect is the suspension's or the revocation's own command: a penalty
        # naming them is published once that decision is recorded, never instead of it.
        refuse_unless(
            "stop_enrolment" not in kinds or self.status in ("suspended", "revoked"),
            rules.PENALTY_STATUS_BY_OWN_COMMAND,
            "record the stop of enrolment with the suspension command "
            "(POST /v1/institutions/{id}/suspension) first",
        )
        refuse_unless(
            "licence_revocation" not in kinds or self.status == "revoked",
            rules.PENALTY_STATUS_BY_OWN_COMMAND,
            "record the revocation with the revocation command "
            "(POST /v1/institutions/{id}/revocation) first",
        )
        self._check_dated("PenaltyImposed", decided_on)
        self._penalty_imposed(
            decision_no=decision_no,
            kinds=list(kinds),
            fine_fen=fine_fen,
            illegal_gains_fen=illegal_gains_fen,
            decided_on=decided_on.isoformat(),
            actor=actor,
        )

    @event(PenaltyImposed)
    def _penalty_imposed(
        self,
        decision_no: str,
        kinds: list[str],
        fine_fen: int,
        illegal_gains_fen: int,
        decided_on: str,
        actor: Actor,
    ) -> None:
        self.penalties.append(
            {
                "decision_no": decision_no,
                "kinds": list(kinds),
                "fine_fen": fine_fen,
                "illegal_gains_fen": illegal_gains_fen,
                "decided_on": decided_on,
            }
        )
