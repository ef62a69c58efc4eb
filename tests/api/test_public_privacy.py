"""Nothing personal on the public side: no family's, teacher's or account's data is published.

A parent reads the register (JSON, web pages, downloads) without a key; whatever the registry
holds about the families, the teachers, the legal representatives and the supervised accounts
stays out of every answer. SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.builders.answers import html_page
from tests.builders.bodies import BANK_CUSTODY, STAFF_MEMBER, contract_body
from tests.builders.bureau import Bureau
from tests.builders.families import (
    GUARDIAN_NAME,
    GUARDIAN_PHONE,
    MASKED,
    PUPIL_REF,
    family_contract,
)

Headers = dict[str, str]

PUBLIC_KEYS = {
    "id",
    "name",
    "credit_code",
    "district_code",
    "category",
    "subjects",
    "delivery",
    "licence_no",
    "licence_valid_to",
    "supervision_mode",
    "supervision_bank",
    "status",
    "legitimate",
}
# The page also says which day and which moment it answers for, and the registration day.
PAGE_KEYS = PUBLIC_KEYS | {"status_history", "penalties", "registered_on", "as_of", "known_at"}
BLACKLIST_KEYS = {
    "institution_id",
    "name",
    "credit_code",
    "district_code",
    "reasons",
    "decision_no",
    "listed_on",
}
STATUSES = (
    "registered",
    "licensed",
    "suspended",
    "converting",
    "converted",
    "revoked",
    "ceased",
    "deregistered",
)

# The family's data, a teacher's certificate and the supervised account: on file, not published.
NOT_PUBLISHED = (*MASKED, PUPIL_REF, STAFF_MEMBER["certificate_no"], BANK_CUSTODY["account_no"])


def test_the_public_register_shows_no_family_teacher_or_account_data(
    bureau: Bureau, client: TestClient, feed_110108: Headers
) -> None:
    legitimate = bureau.legitimate()
    bureau.decide(legitimate, "staff", STAFF_MEMBER)
    family_contract(bureau, feed_110108, legitimate)
    suspended = bureau.legitimate(
        name="北京晨曦舞蹈培训有限公司", credit_code=bureau.new_credit_code()
    )
    bureau.suspend(suspended)
    blacklisted = bureau.legitimate(
        name="北京童心美术有限公司", credit_code=bureau.new_credit_code()
    )
    family_contract(bureau, feed_110108, blacklisted)
    bureau.blacklist(blacklisted)
    revoked = bureau.licensed(name="北京远航体育有限公司", credit_code=bureau.new_credit_code())
    bureau.revoke(revoked)
    upto = {"consistent_after": bureau.head()}

    answers = [client.get("/v1/public/institutions", params=upto)]
    answers += [
        client.get("/v1/public/institutions", params={**upto, "status": status})
        for status in STATUSES
    ]
    pages = [
        client.get(f"/v1/public/institutions/{school}", params=upto)
        for school in (legitimate, suspended, blacklisted, revoked)
    ]
    blacklist = client.get("/v1/public/blacklist", params=upto)
    # The web pages and the open-data downloads, read once the register is up to date.
    downloads = [
        client.get("/", params={"district": "110108"}),
        *[client.get(f"/institutions/{school}") for school in (legitimate, blacklisted)],
        client.get("/v1/public/institutions.csv"),
        client.get("/v1/public/institutions.jsonl"),
    ]

    for answer in [*answers, *pages, blacklist, *downloads]:
        assert answer.status_code == 200, answer.text
        leaked = [text for text in NOT_PUBLISHED if text in answer.text]
        assert leaked == [], f"{answer.request.url} publishes {leaked}"
    for answer in (downloads[0], downloads[-2], downloads[-1]):
        assert "北京童心美术有限公司" in answer.text, f"{answer.request.url} lists the schools"
    listed = [item for answer in answers for item in answer.json()["items"]]
    assert {item["id"] for item in listed} == {legitimate, suspended, blacklisted, revoked}
    assert all(set(item) == PUBLIC_KEYS for item in listed)
    assert all(set(page.json()) == PAGE_KEYS for page in pages)
    assert [set(item) for item in blacklist.json()["items"]] == [BLACKLIST_KEYS]
    assert blacklist.json()["items"][0]["institution_id"] == blacklisted


# What the registry holds about the people of one school: none of it may be published.
LEGAL_REPRESENTATIVE = "端木慧敏"
ACCOUNT_NO = "0200004509200987654"
CERTIFICATE_NO = "20201100143000987"
TEACHER = "欧阳老师"


def test_no_page_or_download_shows_a_familys_or_a_persons_data(
    bureau: Bureau, client: TestClient, feed_110108: Headers
) -> None:
    school = bureau.licensed(legal_representative=LEGAL_REPRESENTATIVE)
    bureau.supervise(school, account_no=ACCOUNT_NO)
    staff = {**STAFF_MEMBER, "name": TEACHER, "qualification": "教师资格证"}
    bureau.decide(school, "staff", {**staff, "certificate_no": CERTIFICATE_NO})
    contract = contract_body(
        school, pupil_ref=PUPIL_REF, guardian_name=GUARDIAN_NAME, guardian_phone=GUARDIAN_PHONE
    )
    del contract["gift_lessons"]
    answer = client.post("/v1/contracts", json=contract, headers=feed_110108)
    assert answer.status_code == 201, answer.text
    bureau.blacklist(school)
    bureau.caught_up()

    shown = {
        "results": html_page(client, "/", q=""),
        "page": html_page(client, f"/institutions/{school}"),
        "csv": client.get("/v1/public/institutions.csv").content.decode("utf-8-sig"),
        "jsonl": client.get("/v1/public/institutions.jsonl").text,
    }

    assert all("北京思远教育科技有限公司" in body for body in shown.values())
    personal = (GUARDIAN_NAME, GUARDIAN_PHONE, PUPIL_REF, LEGAL_REPRESENTATIVE, ACCOUNT_NO)
    for where, body in shown.items():
        for secret in (*personal, CERTIFICATE_NO, TEACHER):
            assert secret not in body, (where, secret)
