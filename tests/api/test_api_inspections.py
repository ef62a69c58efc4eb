"""Inspections (检查) and the rectification orders (责令整改) they lead to, via the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest

from tests.builders.bodies import RECTIFY_INSPECTION, TODAY, rectification_order, verification
from tests.builders.bureau import Bureau

# -- inspections -----------------------------------------------------------------------------


def test_an_inspection_answers_its_own_id_and_is_kept_with_its_findings(bureau: Bureau) -> None:
    institution_id = bureau.licensed()

    answer = bureau.send(institution_id, "inspections", RECTIFY_INSPECTION)

    assert answer.status_code == 201, answer.text
    written = answer.json()
    assert written["institution_id"] == institution_id
    assert {"id", "version", "position"} <= written.keys()
    [inspection] = bureau.view(institution_id)["inspections"]
    assert inspection["id"] == written["id"]
    assert inspection["findings"][0]["description"] == "未在经营场所公示收费项目和标准"


def test_an_inspection_that_orders_rectification_must_record_a_finding(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "inspections", {**RECTIFY_INSPECTION, "findings": []})

    assert refused(answer, 422)["rule"] == "inspection.rectify_needs_finding"


def test_an_inspection_that_passes_needs_no_finding(bureau: Bureau) -> None:
    institution_id = bureau.licensed()
    passed = {**RECTIFY_INSPECTION, "findings": [], "result": "pass", "kind": "random"}

    answer = bureau.send(institution_id, "inspections", passed)

    assert answer.status_code == 201, answer.text


def test_a_finding_of_unknown_severity_is_refused(bureau: Bureau, refused: Any) -> None:
    institution_id = bureau.licensed()
    finding = {"code": "F-02", "description": "消防通道堵塞", "severity": "严重"}

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(
            institution_id, "inspections", {**RECTIFY_INSPECTION, "findings": [finding]}
        )

    problem = refused(answer, 422)
    assert "severity" in problem["errors"][0]["loc"]


# -- rectification orders --------------------------------------------------------------------


def test_a_rectification_order_answers_its_own_id_and_stays_open_until_verified(
    bureau: Bureau,
) -> None:
    institution_id = bureau.licensed()
    inspection_id = bureau.inspect(institution_id)

    answer = bureau.send(
        institution_id,
        "rectification-orders",
        rectification_order(inspection_id, "2024-11-06", "2024-12-06"),
    )

    assert answer.status_code == 201, answer.text
    order_id = answer.json()["id"]
    assert answer.json()["institution_id"] == institution_id
    assert bureau.view(institution_id)["open_rectification_orders"] == [order_id]


def test_a_rectification_order_issued_without_a_date_is_issued_today(bureau: Bureau) -> None:
    institution_id = bureau.licensed()
    body = rectification_order(
        bureau.inspect(institution_id), "unused", (TODAY + timedelta(days=15)).isoformat()
    )
    del body["issued_on"]

    answer = bureau.send(institution_id, "rectification-orders", body)

    assert answer.status_code == 201, answer.text
    [order] = bureau.view(institution_id)["rectification_orders"]
    assert order["issued_on"] == TODAY.isoformat()


@pytest.mark.parametrize("deadline", ["2024-11-05", "2024-11-06"], ids=["before", "same day"])
def test_a_rectification_deadline_must_fall_after_the_order_is_issued(
    deadline: str, bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.licensed()
    inspection_id = bureau.inspect(institution_id)

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(
            institution_id,
            "rectification-orders",
            rectification_order(inspection_id, "2024-11-06", deadline),
        )

    assert refused(answer, 422)["rule"] == "rectification.deadline_after_issue"


def test_a_rectification_order_refers_to_an_inspection_of_the_institution(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(
            institution_id,
            "rectification-orders",
            rectification_order(str(uuid4()), "2024-11-06", "2024-12-06"),
        )

    assert refused(answer, 422)["rule"] == "rectification.inspection_known"


def test_a_completed_verification_closes_the_order(bureau: Bureau) -> None:
    institution_id = bureau.licensed()
    order_id = bureau.order_rectification(institution_id)

    answer = bureau.send(
        institution_id, f"rectification-orders/{order_id}/verification", verification("completed")
    )

    assert answer.status_code == 200, answer.text
    assert answer.json()["id"] == institution_id
    assert bureau.view(institution_id)["open_rectification_orders"] == []


def test_a_failed_verification_leaves_the_order_open(bureau: Bureau) -> None:
    institution_id = bureau.licensed()
    order_id = bureau.order_rectification(institution_id)

    bureau.verify(institution_id, order_id, outcome="failed")

    assert bureau.view(institution_id)["open_rectification_orders"] == [order_id]


def test_verifying_a_rectification_order_nobody_issued_is_not_found(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.licensed()
    bureau.order_rectification(institution_id)

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(
            institution_id, f"rectification-orders/{uuid4()}/verification", verification()
        )

    refused(answer, 404)


def test_an_order_already_verified_as_completed_is_not_verified_again(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.licensed()
    order_id = bureau.order_rectification(institution_id)
    bureau.verify(institution_id, order_id, outcome="completed")

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(
            institution_id, f"rectification-orders/{order_id}/verification", verification()
        )

    assert refused(answer, 422)["rule"] == "rectification.order_open"
