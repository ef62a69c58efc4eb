"""A family of 海淀区 and what the registry holds about them: none of it may be published.

``family_contract`` has the family sign and pay for a course with a school, then complain to
the bureau: personal data in the log of a contract and of a refund case.
"""

from __future__ import annotations

from tests.builders.bodies import PAYMENT, complaint, contract_body
from tests.builders.bureau import Bureau

Headers = dict[str, str]

GUARDIAN_NAME = "欧阳婉清"
GUARDIAN_PHONE = "13987654321"
PUPIL_REF = "pupil-OYWQ-20260417"
CLAIMANT_NAME = "欧阳建华"
CLAIMANT_PHONE = "13700001111"
# What the regulators read masked, and what nobody reads on the public side.
MASKED = (GUARDIAN_NAME, GUARDIAN_PHONE, CLAIMANT_NAME, CLAIMANT_PHONE)


def family_contract(bureau: Bureau, feed: Headers, institution_id: str) -> set[str]:
    """The family signs and pays (reported by ``feed``) and complains to ``bureau``, which opens
    a refund case. Answers the contract's and the case's ids."""
    client = bureau.client
    body = contract_body(
        institution_id,
        pupil_ref=PUPIL_REF,
        guardian_name=GUARDIAN_NAME,
        guardian_phone=GUARDIAN_PHONE,
    )
    signed = client.post("/v1/contracts", json=body, headers=feed)
    assert signed.status_code == 201, signed.text
    contract_id = str(signed.json()["id"])
    paid = client.post(f"/v1/contracts/{contract_id}/payments", json=PAYMENT, headers=feed)
    assert paid.status_code == 200, paid.text
    case = complaint(
        institution_id, [contract_id], claimant_name=CLAIMANT_NAME, claimant_phone=CLAIMANT_PHONE
    )
    case_id = str(bureau.post("/v1/refund-cases", case, 201)["id"])
    return {contract_id, case_id}
