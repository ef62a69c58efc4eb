"""The change feed (GET /v1/feed): a district bureau follows its own districts' events.

Guardians and claimants are masked; a regulator sees the streams of its districts and no
other, an admin every event; paging with ``next_cursor`` reads each event exactly once.
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from registry.bootstrap import Services
from registry.privacy import mask_name, mask_phone
from tests.builders.bodies import contract_body
from tests.builders.bureau import Bureau
from tests.builders.codes import XUHUI_CODE
from tests.builders.families import (
    CLAIMANT_NAME,
    CLAIMANT_PHONE,
    GUARDIAN_NAME,
    GUARDIAN_PHONE,
    MASKED,
    family_contract,
)
from tests.builders.principals import bearer

Headers = dict[str, str]


@pytest.fixture
def streams(bureau: Bureau, xuhui_bureau: Bureau, feed_110108: Headers) -> dict[str, set[str]]:
    """Two districts' streams: a 海淀区 school with a family's contract and refund case, and a
    徐汇区 school with a contract of its own. Answers the stream ids of each district."""
    haidian_school = bureau.legitimate()
    haidian_streams = family_contract(bureau, feed_110108, haidian_school)
    xuhui_school = xuhui_bureau.legitimate(
        name="上海徐汇舞蹈培训有限公司", credit_code=XUHUI_CODE, district_code="310104"
    )
    body = contract_body(
        xuhui_school, guardian_name="上官明月", guardian_phone="13611112222", pupil_ref="xh-1"
    )
    xuhui_contract = str(xuhui_bureau.post("/v1/contracts", body, 201)["id"])
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


def test_a_regulator_reads_the_change_feed_of_its_districts_with_guardians_masked(
    client: TestClient,
    services: Services,
    regulator_110108: Headers,
    regulator_310104: Headers,
    admin: Headers,
    streams: dict[str, set[str]],
) -> None:
    upto = services.registry.store.head()
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
    every_stream = {str(n.originator_id) for n in services.registry.store.read(start=1, limit=upto)}
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
    upto = services.registry.store.head()
    log = services.registry.store.read(start=1, limit=upto)
    haidian = [n.id for n in log if str(n.originator_id) in streams["110108"]]
    every = [n.id for n in log]

    for key, expected in ((regulator_110108, haidian), (admin, every)):
        walked = [item["position"] for item in walk_the_feed(client, key, upto, limit=3)]
        at_once = [
            item["position"] for item in feed_page(client, key, 0, 500, upto).json()["items"]
        ]
        assert walked == at_once == expected
