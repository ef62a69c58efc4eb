"""Enrolment suspension (责令停止招收学员) and its lifting, via the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.builders.bodies import LIFTING, SUSPENSION, TODAY
from tests.builders.bureau import Bureau


def test_a_suspension_stops_enrolment_and_its_lifting_restores_the_licence(bureau: Bureau) -> None:
    institution_id = bureau.licensed()

    bureau.suspend(institution_id)
    suspended = bureau.view(institution_id)
    bureau.lift_suspension(institution_id)
    lifted = bureau.view(institution_id)

    assert suspended["status"] == "suspended"
    assert suspended["suspension"]["decision_no"] == SUSPENSION["decision_no"]
    assert (lifted["status"], lifted["suspension"]) == ("licensed", None)


def test_a_suspension_without_a_decision_document_number_is_refused(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "suspension", {**SUSPENSION, "decision_no": "   "})

    assert refused(answer, 422)["rule"] == "decision.document_number"


def test_only_a_licensed_institution_has_its_enrolment_suspended(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.register()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "suspension", SUSPENSION)

    assert refused(answer, 422)["rule"] == "suspension.state"


def test_a_suspension_is_not_lifted_while_a_rectification_order_is_overdue(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.licensed()
    overdue = bureau.order_rectification(
        institution_id, issued_on=TODAY - timedelta(days=40), deadline=TODAY - timedelta(days=10)
    )
    bureau.suspend(institution_id)

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "suspension/lift", LIFTING)

    problem = refused(answer, 422)
    assert problem["rule"] == "suspension.overdue_rectification"
    assert overdue in problem["detail"]
    assert problem["type"] == "urn:registry:rule:suspension.overdue_rectification"


def test_a_suspension_is_lifted_once_the_overdue_order_is_verified(bureau: Bureau) -> None:
    institution_id = bureau.licensed()
    overdue = bureau.order_rectification(
        institution_id, issued_on=TODAY - timedelta(days=40), deadline=TODAY - timedelta(days=10)
    )
    bureau.suspend(institution_id)
    bureau.verify(institution_id, overdue, outcome="completed")

    answer = bureau.send(institution_id, "suspension/lift", LIFTING)

    assert answer.status_code == 200, answer.text


def test_an_institution_that_is_not_suspended_has_no_suspension_to_lift(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "suspension/lift", LIFTING)

    assert refused(answer, 422)["rule"] == "suspension.state"
