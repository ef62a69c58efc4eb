"""A family's refund, from the contract to the closed case, through the API alone.

王丽娟 buys a spring art course at 北京思远教育科技有限公司 (海淀区): 48 paid + 4 gift lessons,
4,320.00 yuan paid into the custody account. After 20 lessons the school closes abnormally
(跑路) and her contract is frozen. She complains to 海淀区教委, which opens a refund case, attaches
her evidence and has the registry assess the unconsumed amount: 2,658.46 yuan POOLED (2,520.00
PAID_FIRST disclosed). Mediation fails, the case goes to 海淀区人民法院, which exports the case
file, judges, and the refund is paid from the supervised account. Each step is checked as it
happens; runs on SQLite and, when reachable, PostgreSQL.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from api.app import create_app
from registry.bootstrap import Services
from registry.settings import Settings
from tests.builders.answers import answered
from tests.builders.bodies import (
    BANK_CUSTODY,
    LICENCE,
    PAYMENT,
    complaint,
    contract_body,
    registration,
)
from tests.builders.principals import bearer

Headers = dict[str, str]

POOLED_FEN = 265_846  # 4,320.00 − 20 × 4,320.00 / 52
PAID_FIRST_FEN = 252_000  # 4,320.00 − 20 × 90.00


@pytest.fixture
def client(settings: Settings, services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(settings, services)) as test_client:
        yield test_client


def test_a_family_is_refunded_after_the_school_closes_mediation_fails_and_the_court_judges(
    client: TestClient, services: Services
) -> None:
    bureau = bearer(services, "regulator", ["110108"], "北京市海淀区教育委员会")
    bank = bearer(services, "feed", ["110108"], "中国工商银行北京海淀支行资金监管接口")
    court = bearer(services, "court", [], "北京市海淀区人民法院")

    def post(path: str, body: dict[str, Any], by: Headers, status: int = 200) -> dict[str, Any]:
        return answered(client.post(path, json=body, headers=by), status)

    def get(path: str, by: Headers) -> dict[str, Any]:
        return answered(client.get(path, headers=by))

    # The school is registered, licensed and under bank custody.
    school = post("/v1/institutions", registration(subjects=["美术"]), bureau, 201)["id"]
    post(f"/v1/institutions/{school}/licence", LICENCE, bureau)
    post(f"/v1/institutions/{school}/supervision", BANK_CUSTODY, bureau)

    # The bank reports the contract and the fees: 48 + 4 lessons, 4,320.00 yuan in two charges.
    contract = post("/v1/contracts", contract_body(school), bank, 201)["id"]
    for paid_at, until in (
        ("2026-03-01T10:00:00+08:00", "2026-04-15"),
        ("2026-03-20T10:00:00+08:00", "2026-05-31"),
    ):
        post(
            f"/v1/contracts/{contract}/payments",
            {
                **PAYMENT,
                "amount_fen": 216_000,
                "paid_at": paid_at,
                "lessons_covered": 24,
                "covers_until": until,
            },
            bank,
        )
    ledger = get(f"/v1/contracts/{contract}", bureau)
    assert (ledger["status"], ledger["paid_fen"], ledger["breaches"]) == ("active", 432_000, [])

    # 20 lessons are taught and signed in.
    for day, lessons in (("2026-03-10", 12), ("2026-03-24", 8)):
        post(
            f"/v1/contracts/{contract}/consumptions",
            {
                "lessons": lessons,
                "starts_at": f"{day}T16:00:00+08:00",
                "ends_at": f"{day}T18:00:00+08:00",
                "delivery": "offline",
            },
            bank,
        )
    ledger = get(f"/v1/contracts/{contract}", bureau)
    assert (ledger["consumed_lessons"], ledger["unconsumed_fen"]) == (20, POOLED_FEN)

    # The school closes abnormally: its open contracts are frozen, no escrow leaves the account.
    post(
        f"/v1/institutions/{school}/cessation",
        {"kind": "abnormal", "ceased_on": "2026-04-01", "reason": "负责人失联，门店关闭"},
        bureau,
    )
    assert get(f"/v1/institutions/{school}", bureau)["status"] == "ceased"
    assert get(f"/v1/contracts/{contract}", bureau)["status"] == "frozen"
    release = client.post(
        f"/v1/contracts/{contract}/releases", json={"amount_fen": 100_000}, headers=bank
    )
    assert release.status_code == 422, release.text

    # The mother's complaint opens a case; the contract is now disputed, and in one case only.
    claim = complaint(school, [contract])
    case_id = post("/v1/refund-cases", claim, bureau, 201)["id"]
    case = f"/v1/refund-cases/{case_id}"
    assert get(case, bureau)["status"] == "opened"
    assert get(f"/v1/contracts/{contract}", bureau)["disputed"] is True
    second = client.post("/v1/refund-cases", json=claim, headers=bureau)
    assert answered(second, 422)["rule"] == "refund_case.one_open_per_contract"

    # Her evidence: the contract, identified by its SHA-256.
    scan = hashlib.sha256(b"signed contract, scanned").hexdigest()
    evidence = {"kind": "contract", "description": "培训服务合同扫描件", "sha256": scan}
    post(f"{case}/evidence", evidence, bureau)
    assert [e["sha256"] for e in get(case, bureau)["evidence"]] == [scan]

    # The registry assesses the unconsumed amount from the contract's ledger.
    assessment = post(f"{case}/assessment", {"method": "pooled"}, bureau)
    assert assessment["assessed_fen"] == POOLED_FEN
    assert assessment["alternatives"] == {"pooled": POOLED_FEN, "paid_first": PAID_FIRST_FEN}
    assert assessment["worksheets"][0]["unconsumed_fen"] == {"exact": "3456000/13", "fen": 265_846}
    assert get(case, bureau)["status"] == "assessed"

    # Mediation by the bureau fails; the case goes to the district court.
    post(f"{case}/mediation", {"outcome": "failed", "held_on": "2026-04-10"}, bureau)
    assert get(case, bureau)["status"] == "mediation_failed"
    post(
        f"{case}/court-referral",
        {"court": "北京市海淀区人民法院", "referred_on": "2026-04-15"},
        bureau,
    )
    assert get(case, court)["referral"]["court"] == "北京市海淀区人民法院"

    # The court exports the case file and checks it.
    exported = client.post(f"{case}/case-files", headers=court)
    assert exported.status_code == 201, exported.text
    files = zipfile.ZipFile(io.BytesIO(exported.content))
    manifest = json.loads(files.read("manifest.json"))
    for entry in manifest["files"]:
        assert hashlib.sha256(files.read(entry["name"])).hexdigest() == entry["sha256"]
    digest = hashlib.sha256(files.read("manifest.json")).hexdigest()
    assert digest == exported.headers["X-Manifest-SHA256"]
    index = "".join(p.extract_text() for p in PdfReader(io.BytesIO(files.read("index.pdf"))).pages)
    assert "北京思远教育科技有限公司" in index and "王丽娟" in index and "2,658.46" in index
    assert get(case, court)["exports"] == [
        {"manifest_sha256": digest, "position": manifest["position"]}
    ]

    # Only the court records a judgment; it awards the assessed amount.
    judgment = {
        "court_case_no": "(2026)京0108民初1234号",
        "awarded_fen": POOLED_FEN,
        "judged_on": "2026-06-01",
    }
    assert client.post(f"{case}/judgment", json=judgment, headers=bureau).status_code == 403
    post(f"{case}/judgment", judgment, court)
    assert get(case, court)["status"] == "judged"

    # The refund is paid from the supervised account: never more than awarded.
    refund = {"amount_fen": POOLED_FEN + 1, "paid_on": "2026-06-10", "source": "supervised_account"}
    over = client.post(f"{case}/payments", json=refund, headers=bureau)
    assert answered(over, 422)["rule"] == "refund_case.payment_within_award"
    post(f"{case}/payments", {**refund, "amount_fen": POOLED_FEN}, bureau)
    assert get(case, bureau)["paid_fen"] == POOLED_FEN

    # The case is closed; the contract shows the refund and is no longer disputed.
    closed = post(f"{case}/closure", {"outcome": "paid"}, bureau)
    assert get(case, court)["status"] == "closed"
    ledger = get(f"/v1/contracts/{contract}", court)
    assert ledger["refunded_fen"] == POOLED_FEN == get(case, court)["paid_fen"]
    assert ledger["disputed"] is False
    assert ledger["unconsumed_fen"] == 0
    closed_cases = get(
        f"/v1/refund-cases?status=closed&consistent_after={closed['position']}", court
    )
    assert [c["id"] for c in closed_cases["items"]] == [case_id]
