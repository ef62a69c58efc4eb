"""Personal data by role: the court reads the claimant's and guardians' details in full; a
regulator reads the case and its case file masked, as in the regulator's view of a contract,
and the manifest says which."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from registry.privacy import mask_name, mask_phone

if TYPE_CHECKING:
    from conftest import Dispute

CLAIMANT = "王丽娟"
PHONE = "13911112222"


def test_the_court_reads_the_claimant_in_full(dispute: Dispute) -> None:
    case_file = dispute.case_file(dispute.keys.court)
    assert case_file.manifest["personal_data"] == "full"
    assert CLAIMANT in case_file.text and PHONE in case_file.text
    case = dispute.read(f"/v1/refund-cases/{dispute.case_id}")
    assert (case["claimant_name"], case["claimant_phone"]) == (CLAIMANT, PHONE)


def test_a_regulator_reads_the_case_and_its_case_file_masked(dispute: Dispute) -> None:
    case = dispute.client.get(
        f"/v1/refund-cases/{dispute.case_id}", headers=dispute.keys.regulator
    ).json()
    assert case["claimant_name"] == mask_name(CLAIMANT) == "王**"
    assert case["claimant_phone"] == mask_phone(PHONE)
    contract = dispute.client.get(
        f"/v1/contracts/{dispute.contract_id}", headers=dispute.keys.regulator
    ).json()

    case_file = dispute.case_file(dispute.keys.regulator)

    assert case_file.manifest["personal_data"] == "masked"
    assert case_file.answer.headers["X-Personal-Data"] == "masked"
    everything = case_file.text + "".join(
        case_file.files[n].decode("utf-8") for n in ("events.json", "ledger.csv", "README.txt")
    )
    assert CLAIMANT not in everything and PHONE not in everything
    assert mask_phone(PHONE) in case_file.text
    assert contract["guardian_phone"] in case_file.text
    events = json.loads(case_file.files["events.json"])["events"]
    assert all(e["data"].get("claimant_phone") in (None, mask_phone(PHONE)) for e in events)
