"""Inspections, rectification orders, enrolment suspension and penalties (监管执法) via the API."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from registry.domain.clock import today

if TYPE_CHECKING:
    from conftest import Bureau

Headers = dict[str, str]

TODAY = today()


def _post(client: TestClient, key: Headers, institution_id: str, what: str, body: Any) -> Any:
    return client.post(f"/v1/institutions/{institution_id}/{what}", json=body, headers=key)


def _view(client: TestClient, key: Headers, institution_id: str) -> dict[str, Any]:
    answer = client.get(f"/v1/institutions/{institution_id}", headers=key)
    assert answer.status_code == 200, answer.text
    view: dict[str, Any] = answer.json()
    return view


# -- inspections -----------------------------------------------------------------------------


def test_an_inspection_answers_its_own_id_and_is_kept_with_its_findings(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.licensed()

    answer = _post(
        client, regulator_110108, institution_id, "inspections", bureau.RECTIFY_INSPECTION
    )

    assert answer.status_code == 201, answer.text
    written = answer.json()
    assert written["institution_id"] == institution_id
    assert {"id", "version", "position"} <= written.keys()
    [inspection] = _view(client, regulator_110108, institution_id)["inspections"]
    assert inspection["id"] == written["id"]
    assert inspection["findings"][0]["description"] == "未在经营场所公示收费项目和标准"


def test_an_inspection_that_orders_rectification_must_record_a_finding(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = _post(
            client,
            regulator_110108,
            institution_id,
            "inspections",
            {**bureau.RECTIFY_INSPECTION, "findings": []},
        )

    assert refused(answer, 422)["rule"] == "inspection.rectify_needs_finding"


def test_an_inspection_that_passes_needs_no_finding(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.licensed()

    answer = _post(
        client,
        regulator_110108,
        institution_id,
        "inspections",
        {**bureau.RECTIFY_INSPECTION, "findings": [], "result": "pass", "kind": "random"},
    )

    assert answer.status_code == 201, answer.text


def test_a_finding_of_unknown_severity_is_refused(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()
    finding = {"code": "F-02", "description": "消防通道堵塞", "severity": "严重"}

    with bureau.appends_nothing(institution_id):
        answer = _post(
            client,
            regulator_110108,
            institution_id,
            "inspections",
            {**bureau.RECTIFY_INSPECTION, "findings": [finding]},
        )

    problem = refused(answer, 422)
    assert "severity" in problem["errors"][0]["loc"]


# -- rectification orders --------------------------------------------------------------------


def _order(inspection_id: str, issued_on: str, deadline: str) -> dict[str, Any]:
    return {
        "inspection_id": inspection_id,
        "items": ["在经营场所显著位置公示收费项目和标准"],
        "issued_on": issued_on,
        "deadline": deadline,
    }


def test_a_rectification_order_answers_its_own_id_and_stays_open_until_verified(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.licensed()
    inspection_id = bureau.inspect(institution_id)

    answer = _post(
        client,
        regulator_110108,
        institution_id,
        "rectification-orders",
        _order(inspection_id, "2024-11-06", "2024-12-06"),
    )

    assert answer.status_code == 201, answer.text
    order_id = answer.json()["id"]
    assert answer.json()["institution_id"] == institution_id
    assert _view(client, regulator_110108, institution_id)["open_rectification_orders"] == [
        order_id
    ]


def test_a_rectification_order_issued_without_a_date_is_issued_today(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.licensed()
    body = _order(
        bureau.inspect(institution_id), "unused", (TODAY + timedelta(days=15)).isoformat()
    )
    del body["issued_on"]

    answer = _post(client, regulator_110108, institution_id, "rectification-orders", body)

    assert answer.status_code == 201, answer.text
    [order] = _view(client, regulator_110108, institution_id)["rectification_orders"]
    assert order["issued_on"] == TODAY.isoformat()


@pytest.mark.parametrize("deadline", ["2024-11-05", "2024-11-06"], ids=["before", "same day"])
def test_a_rectification_deadline_must_fall_after_the_order_is_issued(
    deadline: str, bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()
    inspection_id = bureau.inspect(institution_id)

    with bureau.appends_nothing(institution_id):
        answer = _post(
            client,
            regulator_110108,
            institution_id,
            "rectification-orders",
            _order(inspection_id, "2024-11-06", deadline),
        )

    assert refused(answer, 422)["rule"] == "rectification.deadline_after_issue"


def test_a_rectification_order_refers_to_an_inspection_of_the_institution(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = _post(
            client,
            regulator_110108,
            institution_id,
            "rectification-orders",
            _order(str(uuid4()), "2024-11-06", "2024-12-06"),
        )

    assert refused(answer, 422)["rule"] == "rectification.inspection_known"


def test_a_completed_verification_closes_the_order(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.licensed()
    order_id = bureau.order_rectification(institution_id)

    answer = _post(
        client,
        regulator_110108,
        institution_id,
        f"rectification-orders/{order_id}/verification",
        {"verified_on": TODAY.isoformat(), "outcome": "completed"},
    )

    assert answer.status_code == 200, answer.text
    assert answer.json()["id"] == institution_id
    assert _view(client, regulator_110108, institution_id)["open_rectification_orders"] == []


def test_a_failed_verification_leaves_the_order_open(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.licensed()
    order_id = bureau.order_rectification(institution_id)

    _post(
        client,
        regulator_110108,
        institution_id,
        f"rectification-orders/{order_id}/verification",
        {"verified_on": TODAY.isoformat(), "outcome": "failed"},
    )

    assert _view(client, regulator_110108, institution_id)["open_rectification_orders"] == [
        order_id
    ]


def test_verifying_a_rectification_order_nobody_issued_is_not_found(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()
    bureau.order_rectification(institution_id)

    with bureau.appends_nothing(institution_id):
        answer = _post(
            client,
            regulator_110108,
            institution_id,
            f"rectification-orders/{uuid4()}/verification",
            {"verified_on": TODAY.isoformat(), "outcome": "completed"},
        )

    refused(answer, 404)


def test_an_order_already_verified_as_completed_is_not_verified_again(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()
    order_id = bureau.order_rectification(institution_id)
    path = f"rectification-orders/{order_id}/verification"
    done = {"verified_on": TODAY.isoformat(), "outcome": "completed"}
    _post(client, regulator_110108, institution_id, path, done)

    with bureau.appends_nothing(institution_id):
        answer = _post(client, regulator_110108, institution_id, path, done)

    assert refused(answer, 422)["rule"] == "rectification.order_open"


# -- suspension and its lifting --------------------------------------------------------------


def test_a_suspension_stops_enrolment_and_its_lifting_restores_the_licence(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.licensed()

    bureau.suspend(institution_id)
    suspended = _view(client, regulator_110108, institution_id)
    _post(
        client,
        regulator_110108,
        institution_id,
        "suspension/lift",
        {"decision_no": "海教决字〔2025〕第021号", "lifted_on": TODAY.isoformat()},
    )
    lifted = _view(client, regulator_110108, institution_id)

    assert suspended["status"] == "suspended"
    assert suspended["suspension"]["decision_no"] == bureau.SUSPENSION["decision_no"]
    assert (lifted["status"], lifted["suspension"]) == ("licensed", None)


def test_a_suspension_without_a_decision_document_number_is_refused(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = _post(
            client,
            regulator_110108,
            institution_id,
            "suspension",
            {**bureau.SUSPENSION, "decision_no": "   "},
        )

    assert refused(answer, 422)["rule"] == "decision.document_number"


def test_only_a_licensed_institution_has_its_enrolment_suspended(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.register()

    with bureau.appends_nothing(institution_id):
        answer = _post(client, regulator_110108, institution_id, "suspension", bureau.SUSPENSION)

    assert refused(answer, 422)["rule"] == "suspension.state"


def test_a_suspension_is_not_lifted_while_a_rectification_order_is_overdue(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()
    overdue = bureau.order_rectification(
        institution_id, issued_on=TODAY - timedelta(days=40), deadline=TODAY - timedelta(days=10)
    )
    bureau.suspend(institution_id)

    with bureau.appends_nothing(institution_id):
        answer = _post(
            client,
            regulator_110108,
            institution_id,
            "suspension/lift",
            {"decision_no": "海教决字〔2025〕第021号", "lifted_on": TODAY.isoformat()},
        )

    problem = refused(answer, 422)
    assert problem["rule"] == "suspension.overdue_rectification"
    assert overdue in problem["detail"]
    assert problem["type"] == "urn:registry:rule:suspension.overdue_rectification"


def test_a_suspension_is_lifted_once_the_overdue_order_is_verified(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.licensed()
    overdue = bureau.order_rectification(
        institution_id, issued_on=TODAY - timedelta(days=40), deadline=TODAY - timedelta(days=10)
    )
    bureau.suspend(institution_id)
    _post(
        client,
        regulator_110108,
        institution_id,
        f"rectification-orders/{overdue}/verification",
        {"verified_on": TODAY.isoformat(), "outcome": "completed"},
    )

    answer = _post(
        client,
        regulator_110108,
        institution_id,
        "suspension/lift",
        {"decision_no": "海教决字〔2025〕第021号", "lifted_on": TODAY.isoformat()},
    )

    assert answer.status_code == 200, answer.text


def test_an_institution_that_is_not_suspended_has_no_suspension_to_lift(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = _post(
            client,
            regulator_110108,
            institution_id,
            "suspension/lift",
            {"decision_no": "海教决字〔2025〕第021号", "lifted_on": TODAY.isoformat()},
        )

    assert refused(answer, 422)["rule"] == "suspension.state"


# -- penalties -------------------------------------------------------------------------------

PENALTY = {
    "decision_no": "海教罚决字〔2024〕第022号",
    "kinds": ["warning", "fine", "confiscation_of_illegal_gains"],
    "fine_fen": 5_000_000,
    "illegal_gains_fen": 1_280_000,
    "decided_on": "2024-11-20",
}


def test_a_penalty_is_kept_with_its_amounts_in_fen(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    institution_id = bureau.licensed()

    _post(client, regulator_110108, institution_id, "penalties", PENALTY)

    [penalty] = _view(client, regulator_110108, institution_id)["penalties"]
    assert (penalty["fine_fen"], penalty["illegal_gains_fen"]) == (5_000_000, 1_280_000)


def test_a_penalty_of_a_kind_outside_the_catalogue_is_refused(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = _post(
            client, regulator_110108, institution_id, "penalties", {**PENALTY, "kinds": ["拘留"]}
        )

    assert refused(answer, 422)["rule"] == "penalty.kind"


def test_a_penalty_without_a_decision_document_number_is_refused(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = _post(
            client, regulator_110108, institution_id, "penalties", {**PENALTY, "decision_no": " "}
        )

    assert refused(answer, 422)["rule"] == "decision.document_number"


@pytest.mark.parametrize(
    ("field", "amount"),
    [
        ("fine_fen", -5_000_000),
        ("fine_fen", 50000.0),
        ("fine_fen", 50000.5),
        ("fine_fen", "5000000"),
        ("illegal_gains_fen", -1),
        ("illegal_gains_fen", 1.5),
    ],
    ids=[
        "negative fine",
        "fine as a float",
        "fine with a fraction of a fen",
        "fine as a string",
        "negative illegal gains",
        "illegal gains as a float",
    ],
)
def test_penalty_amounts_must_be_whole_non_negative_fen(
    field: str,
    amount: Any,
    bureau: Bureau,
    client: TestClient,
    regulator_110108: Headers,
    refused,
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = _post(
            client, regulator_110108, institution_id, "penalties", {**PENALTY, field: amount}
        )

    problem = refused(answer, 422)
    assert problem["errors"][0]["loc"] == ["body", field]


def test_an_institution_deregistered_takes_no_further_penalty(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, refused
) -> None:
    institution_id = bureau.licensed()
    bureau.revoke(institution_id)
    _post(
        client,
        regulator_110108,
        institution_id,
        "deregistration",
        {"deregistered_on": "2025-01-20", "reason": "办学许可证已被吊销，依法注销"},
    )

    with bureau.appends_nothing(institution_id):
        answer = _post(client, regulator_110108, institution_id, "penalties", PENALTY)

    assert refused(answer, 422)["rule"] == "institution.closed"


def test_a_penalty_of_tens_of_millions_of_yuan_is_published_on_the_public_register(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    """Confiscated illegal gains of 30 million yuan: 3,000,000,000 fen, more than an int32."""
    institution_id = bureau.legitimate()
    written = _post(
        client,
        regulator_110108,
        institution_id,
        "penalties",
        {**PENALTY, "fine_fen": 500_000_000, "illegal_gains_fen": 3_000_000_000},
    )
    assert written.status_code == 200, written.text

    page = client.get(
        f"/v1/public/institutions/{institution_id}",
        params={"consistent_after": written.json()["position"]},
    )

    assert page.status_code == 200, page.text
    [published] = page.json()["penalties"]
    assert published["illegal_gains_fen"] == 3_000_000_000
    assert client.get("/health").json()["projector"] == "running"
