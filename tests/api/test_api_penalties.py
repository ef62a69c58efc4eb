"""Administrative penalty decisions (行政处罚决定) via the API: kinds, fen amounts, publication."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.builders.bodies import PENALTY
from tests.builders.bureau import Bureau

# A warning, a fine of 50,000.00 yuan and 12,800.00 yuan of illegal gains confiscated.
CONFISCATION = {**PENALTY, "kinds": ["warning", "fine", "confiscation_of_illegal_gains"]}


def test_a_penalty_is_kept_with_its_amounts_in_fen(bureau: Bureau) -> None:
    institution_id = bureau.licensed()

    bureau.decide(institution_id, "penalties", CONFISCATION)

    [penalty] = bureau.view(institution_id)["penalties"]
    assert (penalty["fine_fen"], penalty["illegal_gains_fen"]) == (5_000_000, 1_280_000)


def test_a_penalty_of_a_kind_outside_the_catalogue_is_refused(bureau: Bureau, refused: Any) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "penalties", {**CONFISCATION, "kinds": ["拘留"]})

    assert refused(answer, 422)["rule"] == "penalty.kind"


def test_a_penalty_without_a_decision_document_number_is_refused(
    bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "penalties", {**CONFISCATION, "decision_no": " "})

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
    field: str, amount: Any, bureau: Bureau, refused: Any
) -> None:
    institution_id = bureau.licensed()

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "penalties", {**CONFISCATION, field: amount})

    problem = refused(answer, 422)
    assert problem["errors"][0]["loc"] == ["body", field]


def test_an_institution_deregistered_takes_no_further_penalty(bureau: Bureau, refused: Any) -> None:
    institution_id = bureau.licensed()
    bureau.revoke(institution_id)
    bureau.deregister(institution_id)

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(institution_id, "penalties", CONFISCATION)

    assert refused(answer, 422)["rule"] == "institution.closed"


def test_a_penalty_of_tens_of_millions_of_yuan_is_published_on_the_public_register(
    bureau: Bureau, client: TestClient
) -> None:
    """Confiscated illegal gains of 30 million yuan: 3,000,000,000 fen, more than an int32."""
    institution_id = bureau.legitimate()
    written = bureau.send(
        institution_id,
        "penalties",
        {**CONFISCATION, "fine_fen": 500_000_000, "illegal_gains_fen": 3_000_000_000},
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
