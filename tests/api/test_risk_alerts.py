"""GET /v1/risk-alerts: what a district's regulators watch, read by district, level and status.

A regulator reads the alerts of its own districts only, admins read every district; feeds and
courts are refused. Filters by district, level, status and institution, newest first, paged.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from registry.bootstrap import Services
from registry.domain.principal import SYSTEM
from tests.builders.bodies import ABNORMAL_CESSATION, PAYMENT
from tests.builders.bureau import Bureau
from tests.builders.codes import XUHUI_CODE

Headers = dict[str, str]

ITEM_FIELDS = {
    "id",
    "institution_id",
    "signal",
    "level",
    "rule",
    "rule_version",
    "metrics",
    "event_positions",
    "raised_at",
    "status",
    "resolved_at",
    "district_code",
    "subject",
}
# The bureau's licence (``bodies.LICENCE``) runs to 2027-08-31: on this day it has 47 days left.
WITHIN_SIXTY_DAYS = date(2027, 7, 15)


def read(client: TestClient, key: Headers | None, **params: Any) -> httpx.Response:
    return client.get("/v1/risk-alerts", params=params, headers=key or {})


def items(client: TestClient, key: Headers, **params: Any) -> list[dict[str, Any]]:
    answer = read(client, key, **params)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["items"]
    return found


def abnormal_closure(bureau: Bureau) -> tuple[str, int]:
    """A legitimate school of 海淀区 ceases abnormally (跑路); its id and the log position."""
    school = bureau.legitimate()
    ceased = bureau.decide(school, "cessation", ABNORMAL_CESSATION)
    return school, int(ceased["position"])


def review(services: Services, day: date) -> int:
    """The registry reviews a day (the projector runner does so daily)."""
    result = services.registry.review_day(SYSTEM, day)
    assert result is not None
    return result.position


def test_a_regulator_reads_the_red_alert_of_an_abnormal_closure_in_its_district(
    bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    school, position = abnormal_closure(bureau)

    found = items(client, regulator_110108, consistent_after=position)

    assert len(found) == 1
    alert = found[0]
    assert set(alert) == ITEM_FIELDS
    assert alert["institution_id"] == school
    assert alert["district_code"] == "110108"
    assert (alert["signal"], alert["level"], alert["status"]) == ("abnormal_closure", "red", "open")
    assert (alert["rule"], alert["rule_version"]) == ("risk.abnormal_closure", "2025.1")
    assert alert["event_positions"] == [position]
    assert alert["metrics"]["ceased_on"] == "2025-01-15"
    assert alert["subject"] is None
    assert alert["resolved_at"] is None
    assert alert["raised_at"].endswith("+08:00")


def test_risk_alerts_need_a_key(client: TestClient, refused: Any) -> None:
    refused(read(client, None), 401)


@pytest.mark.parametrize("role", ["feed_110108", "court"])
def test_feeds_and_courts_may_not_read_risk_alerts(
    request: pytest.FixtureRequest, client: TestClient, refused: Any, role: str
) -> None:
    refused(read(client, request.getfixturevalue(role)), 403)


def test_a_regulator_of_another_district_neither_sees_nor_may_ask_for_them(
    bureau: Bureau, client: TestClient, regulator_310104: Headers, refused: Any
) -> None:
    _, position = abnormal_closure(bureau)

    assert items(client, regulator_310104, consistent_after=position) == []
    refused(read(client, regulator_310104, district_code="110108"), 403)


def test_alerts_are_filtered_by_district_level_status_and_institution(
    bureau: Bureau,
    xuhui_bureau: Bureau,
    client: TestClient,
    services: Services,
    admin: Headers,
    regulator_110108: Headers,
    regulator_310104: Headers,
) -> None:
    closed, _ = abnormal_closure(bureau)
    expiring = bureau.legitimate(
        name="北京市海淀区书香艺术培训学校有限公司", credit_code=bureau.new_credit_code()
    )
    renewed = bureau.legitimate(
        name="北京市海淀区新芽艺术培训学校有限公司", credit_code=bureau.new_credit_code()
    )
    xuhui = xuhui_bureau.legitimate(
        name="上海市徐汇区启航艺术培训学校有限公司",
        credit_code=XUHUI_CODE,
        district_code="310104",
        address="上海市徐汇区漕溪北路88号",
    )
    review(services, WITHIN_SIXTY_DAYS)
    upto = bureau.decide(renewed, "licence/renewal", {"valid_to": "2030-08-31"})

    def ids(key: Headers, **params: Any) -> set[str]:
        return {
            a["institution_id"]
            for a in items(client, key, consistent_after=upto["position"], **params)
        }

    assert ids(admin) == {closed, expiring, renewed, xuhui}
    assert ids(regulator_110108) == {closed, expiring, renewed}
    assert ids(admin, district_code="310104") == {xuhui}
    assert ids(regulator_310104) == {xuhui}
    assert ids(admin, level="red") == {closed}
    assert ids(admin, level="yellow") == {expiring, renewed, xuhui}
    assert ids(admin, status="resolved") == {renewed}
    assert ids(regulator_110108, status="open", level="yellow") == {expiring}
    assert ids(regulator_110108, institution_id=expiring) == {expiring}
    assert ids(regulator_310104, institution_id=expiring) == set()
    resolved = items(client, admin, status="resolved")[0]
    assert resolved["resolved_at"].endswith("+08:00")
    assert resolved["metrics"]["valid_to"] == "2030-08-31"


def test_alerts_page_newest_first_with_a_cursor(
    bureau: Bureau, client: TestClient, services: Services, regulator_110108: Headers
) -> None:
    for serial in range(3):
        bureau.legitimate(
            name=f"北京市海淀区艺术培训学校（{serial}）", credit_code=bureau.new_credit_code()
        )
    reviewed = review(services, WITHIN_SIXTY_DAYS)
    _, position = abnormal_closure(bureau)

    pages, cursor = [], None
    while True:
        params = {"limit": 2, "consistent_after": max(reviewed, position)}
        if cursor:
            params["cursor"] = cursor
        answer = read(client, regulator_110108, **params).json()
        pages.append(answer["items"])
        cursor = answer["next_cursor"]
        if cursor is None:
            break

    assert [len(page) for page in pages] == [2, 2]
    found = [a for page in pages for a in page]
    assert found[0]["signal"] == "abnormal_closure", "the newest first"
    assert len({a["id"] for a in found}) == 4


def test_a_forged_cursor_is_refused(client: TestClient, admin: Headers, refused: Any) -> None:
    refused(read(client, admin, cursor="bm90LWEtY3Vyc29y"), 422)
    refused(read(client, admin, level="orange"), 422)


def test_a_regulator_reads_the_alerts_of_an_expired_licence_and_an_ended_supervision(
    bureau: Bureau, ledger: Any, services: Services, client: TestClient, regulator_110108: Headers
) -> None:
    school = bureau.legitimate()
    ledger.sign(school)
    ledger.reported("payments", PAYMENT)
    bureau.decide(school, "supervision/end", {"reason": "监管协议解除"})
    reviewed = review(services, date(2027, 9, 1))  # the day after the licence's last day

    found = items(client, regulator_110108, consistent_after=reviewed, status="open")

    signals = {(a["signal"], a["level"]) for a in found}
    assert {("supervision_ended", "red"), ("licence_expired", "red")} <= signals
    ended_alert = next(a for a in found if a["signal"] == "supervision_ended")
    assert ended_alert["rule"] == "risk.supervision_ended"
    assert ended_alert["metrics"]["unconsumed_fen"] == PAYMENT["amount_fen"]
