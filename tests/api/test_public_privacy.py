"""The read side over HTTP: the public register, the change feed and the projectors' health.

A parent reads the register (JSON, web pages, downloads) without a key and never sees a
family's, a teacher's or an account's data; a district bureau follows the change feed of its
own districts, guardians masked; a client that has just written reads with
``consistent_after`` and sees its write, whether the projector runs in the server or the
request catches up itself. SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from registry.bootstrap import Services, all_projections
from registry.privacy import mask_name, mask_phone
from registry.settings import Settings

if TYPE_CHECKING:
    from conftest import Bureau

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
PAGE_KEYS = PUBLIC_KEYS | {"status_history", "penalties"}
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

# A family of 海淀区 and what the registry holds about them: none of it is public.
GUARDIAN_NAME = "欧阳婉清"
GUARDIAN_PHONE = "13987654321"
PUPIL_REF = "pupil-OYWQ-20260417"
CLAIMANT_NAME = "欧阳建华"
CLAIMANT_PHONE = "13700001111"
# A teacher's certificate and the supervised account: on file, not published.
CERTIFICATE_NO = "20191100142000123"
ACCOUNT_NO = "0200004509200123456"
MASKED = (GUARDIAN_NAME, GUARDIAN_PHONE, CLAIMANT_NAME, CLAIMANT_PHONE)
NOT_PUBLISHED = (*MASKED, PUPIL_REF, CERTIFICATE_NO, ACCOUNT_NO)


def head(services: Services) -> int:
    return services.registry.recorder.max_notification_id() or 0


def bearer(services: Services, role: str, districts: list[str], name: str) -> Headers:
    _, secret = services.keys.create(role, districts, name)
    return {"Authorization": f"Bearer {secret}"}


def contract_body(institution_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "institution_id": institution_id,
        "pupil_ref": PUPIL_REF,
        "guardian_name": GUARDIAN_NAME,
        "guardian_phone": GUARDIAN_PHONE,
        "course": "少儿美术基础班（春季）",
        "paid_lessons": 48,
        "gift_lessons": 4,
        "price_per_lesson_fen": 9_000,
        "start_date": "2026-03-02",
        "end_date": "2026-05-31",
        **overrides,
    }


PAYMENT = {
    "amount_fen": 432_000,
    "paid_at": "2026-03-01T10:00:00+08:00",
    "channel": "微信支付",
    "into_supervised_account": True,
    "lessons_covered": 48,
    "covers_until": "2026-05-31",
}


def post(client: TestClient, path: str, body: dict[str, Any], key: Headers) -> dict[str, Any]:
    answer = client.post(path, json=body, headers=key)
    assert answer.status_code in (200, 201), answer.text
    payload: dict[str, Any] = answer.json()
    return payload


def family_contract(bureau: Bureau, feed: Headers, institution_id: str) -> set[str]:
    """A family signs, pays and opens a refund dispute with the school: personal data in the
    log of the contract and of the case. Answers the contract's and the case's ids."""
    client = bureau.client
    contract_id = str(post(client, "/v1/contracts", contract_body(institution_id), feed)["id"])
    post(client, f"/v1/contracts/{contract_id}/payments", PAYMENT, feed)
    case = {
        "institution_id": institution_id,
        "contract_ids": [contract_id],
        "claimant_name": CLAIMANT_NAME,
        "claimant_phone": CLAIMANT_PHONE,
        "source": "complaint",
        "claim_fen": 300_000,
    }
    case_id = str(post(client, "/v1/refund-cases", case, bureau.headers)["id"])
    return {contract_id, case_id}


@pytest.fixture
def streams(bureau: Bureau, regulator_310104: Headers, feed_110108: Headers) -> dict[str, set[str]]:
    """Two districts' streams: a 海淀区 school with a family's contract and refund case, and a
    徐汇区 school with a contract of its own. Answers the stream ids of each district."""
    haidian_school = bureau.legitimate()
    haidian_streams = family_contract(bureau, feed_110108, haidian_school)
    xuhui_bureau = type(bureau)(bureau.client, bureau.services, regulator_310104)
    xuhui_school = xuhui_bureau.legitimate(
        name="上海徐汇舞蹈培训有限公司",
        credit_code=bureau.XUHUI_CODE,
        district_code="310104",
    )
    body = contract_body(
        xuhui_school, guardian_name="上官明月", guardian_phone="13611112222", pupil_ref="xh-1"
    )
    xuhui_contract = str(post(bureau.client, "/v1/contracts", body, regulator_310104)["id"])
    return {
        "110108": {haidian_school, *haidian_streams},
        "310104": {xuhui_school, xuhui_contract},
    }


def feed_page(client: TestClient, key: Headers, after: int, limit: int, upto: int) -> Any:
    answer = client.get(
        "/v1/feed",
        params={"after": after, "limit": limit, "consistent_after": upto},
        headers=key,
    )
    assert answer.status_code == 200, answer.text
    return answer


def walk_the_feed(client: TestClient, key: Headers, upto: int, limit: int) -> list[dict[str, Any]]:
    """Every item of the feed, page after page, following ``next_cursor``."""
    items, after = [], 0
    for _page in range(1000):
        page = feed_page(client, key, after, limit, upto).json()
        items += page["items"]
        if page["next_cursor"] is None:
            return items
        after = int(page["next_cursor"])
    raise AssertionError("the feed never ended")


# -- read-your-writes ------------------------------------------------------------------------


def test_a_read_with_consistent_after_sees_the_write_while_the_server_runs_the_projector(
    bureau: Bureau, client: TestClient, regulator_110108: Headers, feed_110108: Headers
) -> None:
    school = bureau.licensed()
    position = bureau.supervise(school)["position"]

    listing = client.get("/v1/public/institutions", params={"consistent_after": position})
    page = client.get(f"/v1/public/institutions/{school}", params={"consistent_after": position})

    assert school in [item["id"] for item in listing.json()["items"]]
    assert (page.json()["supervision_mode"], page.json()["legitimate"]) == ("bank_custody", True)

    contract = post(client, "/v1/contracts", contract_body(school), feed_110108)
    paid = post(client, f"/v1/contracts/{contract['id']}/payments", PAYMENT, feed_110108)
    tracking = client.get(
        f"/v1/refund-tracking/institutions/{school}",
        params={"consistent_after": paid["position"]},
        headers=regulator_110108,
    )
    assert tracking.status_code == 200, tracking.text
    assert tracking.json()["collected_fen"] == PAYMENT["amount_fen"]
    assert client.get("/health").json()["projector"] == "running"


@pytest.fixture
def no_projector(settings: Settings, services: Services) -> Iterator[TestClient]:
    """The API without a projector of its own, as when ``registry project`` runs apart."""
    with TestClient(create_app(settings, services, run_projector=False)) as test_client:
        yield test_client


def test_a_read_with_consistent_after_catches_up_itself_when_no_projector_runs_in_the_server(
    no_projector: TestClient, services: Services
) -> None:
    client = no_projector
    key = bearer(services, "regulator", ["110108"], "北京市海淀区教育委员会")
    registration = {
        "name": "北京思远教育科技有限公司",
        "credit_code": "91110108551385082Q",
        "district_code": "110108",
        "address": "北京市海淀区中关村大街27号中关村大厦3层",
        "category": "non_academic",
        "subjects": ["美术", "书法"],
        "delivery": "offline",
        "legal_form": "company",
        "legal_representative": "李秀英",
    }
    written = post(client, "/v1/institutions", registration, key)
    school = written["id"]

    assert client.get(f"/v1/public/institutions/{school}").status_code == 404, (
        "nobody has applied the registration yet"
    )
    page = client.get(
        f"/v1/public/institutions/{school}", params={"consistent_after": written["position"]}
    )

    assert page.status_code == 200, page.text
    assert page.json()["status"] == "registered"
    assert client.get("/health").json()["projector"] == "external"


def test_a_position_the_log_has_not_reached_is_answered_503_with_retry_after(
    settings: Settings, services: Services, monkeypatch: pytest.MonkeyPatch, refused: Any
) -> None:
    monkeypatch.setattr(services.settings, "consistency_timeout", 0.3)
    ahead = head(services) + 1_000

    for run_projector in (True, False):  # a projector in the server, or one elsewhere
        with TestClient(create_app(settings, services, run_projector=run_projector)) as client:
            answer = client.get("/v1/public/institutions", params={"consistent_after": ahead})

        refused(answer, 503)
        assert answer.headers["Retry-After"].isdigit()


# -- nothing personal on the public side -----------------------------------------------------


def test_the_public_register_shows_no_family_teacher_or_account_data(
    bureau: Bureau, client: TestClient, feed_110108: Headers
) -> None:
    services = bureau.services
    legitimate = bureau.legitimate()
    staff = {
        "name": "王芳",
        "role": "美术教师",
        "qualification": "teacher_certificate",
        "certificate_no": CERTIFICATE_NO,
        "serving_school_teacher": False,
    }
    post(client, f"/v1/institutions/{legitimate}/staff", staff, bureau.headers)
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
    upto = {"consistent_after": head(services)}

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


# -- the change feed -------------------------------------------------------------------------


def test_a_regulator_reads_the_change_feed_of_its_districts_with_guardians_masked(
    client: TestClient,
    services: Services,
    regulator_110108: Headers,
    regulator_310104: Headers,
    admin: Headers,
    streams: dict[str, set[str]],
) -> None:
    upto = head(services)
    answer = feed_page(client, regulator_110108, 0, 500, upto)

    leaked = [text for text in MASKED if text in answer.text]
    assert leaked == []
    data = {item["type"]: item["data"] for item in answer.json()["items"]}
    assert data["ContractSigned"]["guardian_name"] == mask_name(GUARDIAN_NAME)
    assert data["ContractSigned"]["guardian_phone"] == mask_phone(GUARDIAN_PHONE)
    assert data["RefundCaseOpened"]["claimant_name"] == mask_name(CLAIMANT_NAME)
    assert data["RefundCaseOpened"]["claimant_phone"] == mask_phone(CLAIMANT_PHONE)

    def seen_by(key: Headers) -> set[str]:
        return {item["stream_id"] for item in feed_page(client, key, 0, 500, upto).json()["items"]}

    haidian, shanghai = seen_by(regulator_110108), seen_by(regulator_310104)
    assert streams["110108"] <= haidian and not haidian & streams["310104"]
    assert streams["310104"] <= shanghai and not shanghai & streams["110108"]
    every_stream = {
        str(n.originator_id)
        for n in services.registry.recorder.select_notifications(start=1, limit=upto)
    }
    assert haidian | shanghai < every_stream, "rosters are streams of no district"
    assert seen_by(admin) == every_stream, "an admin reads every event, whatever its district"


def test_the_change_feed_is_refused_to_feed_and_court_keys(
    client: TestClient, services: Services, refused: Any
) -> None:
    for role in ("feed", "court"):
        key = bearer(services, role, ["110108"], f"a {role} key")

        refused(client.get("/v1/feed", headers=key), 403)


def test_paging_through_the_change_feed_reads_every_event_exactly_once(
    client: TestClient,
    services: Services,
    regulator_110108: Headers,
    admin: Headers,
    streams: dict[str, set[str]],
) -> None:
    upto = head(services)
    log = services.registry.recorder.select_notifications(start=1, limit=upto)
    haidian = [n.id for n in log if str(n.originator_id) in streams["110108"]]
    every = [n.id for n in log]

    for key, expected in ((regulator_110108, haidian), (admin, every)):
        walked = [item["position"] for item in walk_the_feed(client, key, upto, limit=3)]
        at_once = [
            item["position"] for item in feed_page(client, key, 0, 500, upto).json()["items"]
        ]
        assert walked == at_once == expected


# -- health ----------------------------------------------------------------------------------


def test_health_shows_every_projection_with_its_position_and_lag(
    no_projector: TestClient, services: Services, settings: Settings
) -> None:
    key = bearer(services, "admin", [], "教育部校外教育培训监管司")
    registration = {
        "name": "北京思远教育科技有限公司",
        "credit_code": "91110108551385082Q",
        "district_code": "110108",
        "address": "北京市海淀区中关村大街27号中关村大厦3层",
        "category": "non_academic",
        "subjects": ["美术"],
        "delivery": "offline",
        "legal_form": "company",
        "legal_representative": "李秀英",
    }
    position = post(no_projector, "/v1/institutions", registration, key)["position"]
    names = {p.name for p in all_projections()}

    behind = no_projector.get("/health").json()
    services.projector.run_once()
    caught_up = no_projector.get("/health").json()

    assert behind["database"] == caught_up["database"] == settings.backend
    assert behind["head"] == caught_up["head"] == position
    assert set(behind["projections"]) == set(behind["lag"]) == names
    assert all(behind["lag"][n] == position - behind["projections"][n] > 0 for n in names)
    assert caught_up["projections"] == dict.fromkeys(names, position)
    assert caught_up["lag"] == dict.fromkeys(names, 0)
