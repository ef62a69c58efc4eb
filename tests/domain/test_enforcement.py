"""Inspections (检查), rectification orders (责令整改) and enrolment suspension (停止招生)."""

from __future__ import annotations

from datetime import date

import pytest

from registry.domain.errors import NotFound, RuleViolation
from tests.builders.events import event_names

FINDING = {"item": "超前超标培训", "detail": "面向小学三年级学生讲授五年级数学内容"}


def inspection(given, **overrides) -> dict:
    fields = {
        "inspection_id": "insp-2025-0520",
        "inspected_on": date(2025, 5, 20),
        "kind": "complaint",
        "inspectors": ["张伟", "王芳"],
        "findings": [FINDING],
        "result": "rectify",
        "actor": given.actor,
    }
    fields.update(overrides)
    return fields


# -- inspections and rectification --------------------------------------------------------


def test_an_inspection_with_its_findings_is_recorded(given) -> None:
    inst = given.licensed()

    inst.record_inspection(**inspection(given))

    assert event_names(inst) == ["InspectionRecorded"]
    assert inst.inspections["insp-2025-0520"]["findings"] == [FINDING]


def test_an_inspection_ordering_rectification_needs_a_finding(given) -> None:
    inst = given.licensed()

    with pytest.raises(RuleViolation) as refused:
        inst.record_inspection(**inspection(given, findings=[]))

    assert refused.value.rule == "inspection.rectify_needs_finding"


def test_an_inspection_that_passes_needs_no_finding(given) -> None:
    inst = given.licensed()

    inst.record_inspection(**inspection(given, kind="routine", findings=[], result="pass"))

    assert event_names(inst) == ["InspectionRecorded"]


def test_rectification_is_ordered_on_a_recorded_inspection(given) -> None:
    inst = given.licensed()
    inspection_id = given.inspected(inst)

    inst.order_rectification(
        order_id="order-07",
        inspection_id=inspection_id,
        items=["公示收费项目和标准"],
        issued_on=date(2025, 4, 15),
        deadline=date(2025, 5, 15),
        actor=given.actor,
    )

    assert event_names(inst) == ["RectificationOrdered"]
    assert [o["id"] for o in inst.open_orders()] == ["order-07"]


def test_a_rectification_order_refers_to_a_recorded_inspection(given) -> None:
    inst = given.licensed()

    with pytest.raises(RuleViolation) as refused:
        inst.order_rectification(
            order_id="order-07",
            inspection_id="insp-never-recorded",
            items=["公示收费项目和标准"],
            issued_on=date(2025, 4, 15),
            deadline=date(2025, 5, 15),
            actor=given.actor,
        )

    assert refused.value.rule == "rectification.inspection_known"


@pytest.mark.parametrize("deadline", [date(2025, 4, 15), date(2025, 4, 14)])
def test_a_rectification_deadline_must_fall_after_its_issue_date(given, deadline: date) -> None:
    inst = given.licensed()
    inspection_id = given.inspected(inst)

    with pytest.raises(RuleViolation) as refused:
        inst.order_rectification(
            order_id="order-07",
            inspection_id=inspection_id,
            items=["公示收费项目和标准"],
            issued_on=date(2025, 4, 15),
            deadline=deadline,
            actor=given.actor,
        )

    assert refused.value.rule == "rectification.deadline_after_issue"


def test_a_completed_verification_closes_the_order(given) -> None:
    inst = given.licensed()
    order_id = given.ordered_to_rectify(inst, date(2025, 4, 15), date(2025, 5, 15))

    inst.verify_rectification(
        order_id=order_id, verified_on=date(2025, 5, 14), outcome="completed", actor=given.actor
    )

    assert event_names(inst) == ["RectificationVerified"]
    assert inst.open_orders() == []
    assert inst.rectification_orders[order_id]["status"] == "verified"


def test_a_failed_verification_leaves_the_order_open(given) -> None:
    inst = given.licensed()
    order_id = given.ordered_to_rectify(inst, date(2025, 4, 15), date(2025, 5, 15))

    inst.verify_rectification(
        order_id=order_id, verified_on=date(2025, 5, 14), outcome="failed", actor=given.actor
    )

    assert [o["id"] for o in inst.open_orders()] == [order_id]


def test_only_an_open_order_can_be_verified(given) -> None:
    inst = given.licensed()
    order_id = given.ordered_to_rectify(inst, date(2025, 4, 15), date(2025, 5, 15))
    inst.verify_rectification(
        order_id=order_id, verified_on=date(2025, 5, 14), outcome="completed", actor=given.actor
    )
    inst.collect_events()

    with pytest.raises(RuleViolation) as refused:
        inst.verify_rectification(
            order_id=order_id, verified_on=date(2025, 5, 20), outcome="completed", actor=given.actor
        )

    assert refused.value.rule == "rectification.order_open"


def test_verifying_an_order_never_issued_is_not_found(given) -> None:
    inst = given.licensed()

    with pytest.raises(NotFound):
        inst.verify_rectification(
            order_id="order-99",
            verified_on=date(2025, 5, 14),
            outcome="completed",
            actor=given.actor,
        )


# -- enrolment suspension -----------------------------------------------------------------


def test_a_licensed_institution_is_ordered_to_stop_enrolling(given) -> None:
    inst = given.licensed()

    inst.suspend_enrolment(
        decision_no="海教停招〔2025〕3号",
        reason="超前超标培训",
        effective_from=date(2025, 5, 6),
        actor=given.actor,
    )

    assert event_names(inst) == ["EnrolmentSuspended"]
    assert inst.status == "suspended"
    assert inst.suspension["decision_no"] == "海教停招〔2025〕3号"


@pytest.mark.parametrize("decision_no", ["", "   "])
def test_suspension_needs_a_decision_number(given, decision_no: str) -> None:
    inst = given.licensed()

    with pytest.raises(RuleViolation) as refused:
        inst.suspend_enrolment(
            decision_no=decision_no,
            reason="超前超标培训",
            effective_from=date(2025, 5, 6),
            actor=given.actor,
        )

    assert refused.value.rule == "decision.document_number"


@pytest.mark.parametrize("state", ["registered", "suspended", "converting"])
def test_only_a_licensed_institutions_enrolment_is_suspended(given, state: str) -> None:
    inst = {
        "registered": given.registered,
        "suspended": given.suspended,
        "converting": given.converting,
    }[state]()

    with pytest.raises(RuleViolation) as refused:
        inst.suspend_enrolment(
            decision_no="海教停招〔2025〕4号",
            reason="超前超标培训",
            effective_from=date(2025, 5, 6),
            actor=given.actor,
        )

    assert refused.value.rule == "suspension.state"


def lift(given, inst, lifted_on: date, today: date, decision_no: str = "海教复招〔2025〕1号"):
    inst.lift_suspension(
        decision_no=decision_no, lifted_on=lifted_on, today=today, actor=given.actor
    )


def test_lifting_a_suspension_is_refused_while_its_rectification_is_overdue(given) -> None:
    inst = given.suspended()
    given.ordered_to_rectify(inst, date(2025, 5, 6), date(2025, 6, 5))

    with pytest.raises(RuleViolation) as refused:
        lift(given, inst, lifted_on=date(2025, 6, 10), today=date(2025, 6, 10))

    assert refused.value.rule == "suspension.overdue_rectification"
    assert inst.status == "suspended"


def test_a_backdated_lifting_is_judged_on_the_day_it_is_decided(given) -> None:
    inst = given.suspended()
    given.ordered_to_rectify(inst, date(2025, 5, 6), date(2025, 6, 5))

    with pytest.raises(RuleViolation) as refused:
        lift(given, inst, lifted_on=date(2025, 6, 1), today=date(2025, 6, 10))

    assert refused.value.rule == "suspension.overdue_rectification"


def test_a_suspension_is_lifted_once_its_rectification_is_verified(given) -> None:
    inst = given.suspended()
    order_id = given.ordered_to_rectify(inst, date(2025, 5, 6), date(2025, 6, 5))
    inst.verify_rectification(
        order_id=order_id, verified_on=date(2025, 6, 8), outcome="completed", actor=given.actor
    )
    inst.collect_events()

    lift(given, inst, lifted_on=date(2025, 6, 10), today=date(2025, 6, 10))

    assert event_names(inst) == ["EnrolmentSuspensionLifted"]
    assert inst.status == "licensed"
    assert inst.suspension is None


def test_a_suspension_is_lifted_while_a_rectification_is_still_within_its_deadline(
    given,
) -> None:
    inst = given.suspended()
    given.ordered_to_rectify(inst, date(2025, 5, 6), date(2025, 6, 5))

    lift(given, inst, lifted_on=date(2025, 6, 5), today=date(2025, 6, 5))

    assert event_names(inst) == ["EnrolmentSuspensionLifted"]


def test_lifting_a_suspension_needs_a_decision_number(given) -> None:
    inst = given.suspended()

    with pytest.raises(RuleViolation) as refused:
        lift(given, inst, date(2025, 6, 10), date(2025, 6, 10), decision_no="")

    assert refused.value.rule == "decision.document_number"


def test_only_a_suspended_enrolment_is_lifted(given) -> None:
    inst = given.licensed()

    with pytest.raises(RuleViolation) as refused:
        lift(given, inst, date(2025, 6, 10), date(2025, 6, 10))

    assert refused.value.rule == "suspension.state"
