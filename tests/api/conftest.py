"""The API as a bureau's client sees it: a running app, keys for every role, and a bureau's desk.

Every test gets the app over the fresh database of the ``services`` fixture (SQLite always,
PostgreSQL when reachable). Institutions are brought into the state a test needs only through
the API, as a district's education bureau would. ``pytest_generate_tests`` runs any test that
asks for ``command`` once per regulator command on an institution (API.md, Institutions).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from registry.bootstrap import Services
from registry.domain.clock import today
from registry.domain.uscc import check_character
from registry.settings import Settings

Headers = dict[str, str]

TODAY = today()
IN_A_MONTH = TODAY + timedelta(days=30)


def credit_code(first17: str) -> str:
    """A valid USCC (统一社会信用代码): the first seventeen characters and their check character."""
    return first17 + check_character(first17)


# 北京思远教育科技有限公司, an arts school (非学科类) company registered in 海淀区.
SIYUAN_CODE = "91110108551385082Q"
# An academic (学科类) company of 海淀区, licensed before 双减 and due to convert (营转非).
XUEBA_CODE = credit_code("91110108MA00G3N51")
# Its non-profit successor (民办非企业单位, USCC 52) in 海淀区.
QIMING_CODE = credit_code("52110108MJ0000579")
# A company of 徐汇区, Shanghai.
XUHUI_CODE = credit_code("91310104MA1FL5XW3")


def bearer(services: Services, role: str, districts: list[str], name: str) -> Headers:
    """Headers carrying a new key of ``role`` for ``districts``."""
    _, secret = services.keys.create(role, districts, name)
    return {"Authorization": f"Bearer {secret}"}


PROBLEM_JSON = "application/problem+json"


def assert_refused(answer: httpx.Response, status: int) -> dict[str, Any]:
    """A refusal: ``status``, as RFC 9457 problem+json with type, title, status and detail."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM_JSON)
    problem: dict[str, Any] = answer.json()
    assert {"type", "title", "status", "detail"} <= problem.keys()
    assert problem["status"] == status
    assert problem["detail"]
    if status == 422 and "rule" not in problem:
        assert problem["errors"], "a 422 for bad input lists its field errors"
    return problem


@pytest.fixture
def refused() -> Callable[[httpx.Response, int], dict[str, Any]]:
    """``refused(answer, 403)`` asserts a problem+json refusal and returns its body."""
    return assert_refused


# -- the app and the keys --------------------------------------------------------------------


@pytest.fixture
def client(settings: Settings, services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(settings, services)) as test_client:
        yield test_client


@pytest.fixture
def admin(services: Services) -> Headers:
    return bearer(services, "admin", [], "教育部校外教育培训监管司")


@pytest.fixture
def regulator_110108(services: Services) -> Headers:
    return bearer(services, "regulator", ["110108"], "北京市海淀区教育委员会")


@pytest.fixture
def regulator_310104(services: Services) -> Headers:
    return bearer(services, "regulator", ["310104"], "上海市徐汇区教育局")


@pytest.fixture
def feed_110108(services: Services) -> Headers:
    return bearer(services, "feed", ["110108"], "中国工商银行北京海淀支行资金监管接口")


@pytest.fixture
def court(services: Services) -> Headers:
    return bearer(services, "court", [], "北京市海淀区人民法院")


# -- the bureau's desk -----------------------------------------------------------------------


def registration(**overrides: Any) -> dict[str, Any]:
    """A registration (登记) of an offline arts school of 海淀区, with ``overrides``."""
    return {
        "name": "北京思远教育科技有限公司",
        "credit_code": SIYUAN_CODE,
        "district_code": "110108",
        "address": "北京市海淀区中关村大街27号中关村大厦3层",
        "category": "non_academic",
        "subjects": ["美术", "书法"],
        "delivery": "offline",
        "legal_form": "company",
        "legal_representative": "李秀英",
        **overrides,
    }


LICENCE = {
    "licence_no": "教民111010870001234号",
    "approving_authority": "北京市海淀区教育委员会",
    "valid_from": "2024-09-01",
    "valid_to": "2027-08-31",
}

BANK_CUSTODY = {
    "mode": "bank_custody",
    "bank": "中国工商银行北京海淀支行",
    "account_no": "0200004509200123456",
    "agreement_no": "HDJW-ZJJG-2024-0187",
}

RECTIFY_INSPECTION = {
    "inspected_on": "2024-11-05",
    "kind": "routine",
    "inspectors": ["王强", "刘洋"],
    "findings": [
        {"code": "F-01", "description": "未在经营场所公示收费项目和标准", "severity": "minor"}
    ],
    "result": "rectify",
}

SUSPENSION = {
    "decision_no": "海教罚决字〔2024〕第017号",
    "reason": "一次性收取超过三个月的培训费用且未纳入资金监管",
    "effective_from": "2024-11-10",
}

REVOCATION = {
    "decision_no": "海教罚决字〔2024〕第031号",
    "reason": "擅自开展学科类培训，情节严重",
    "notice_served_on": "2024-12-01",
    "effective_on": "2024-12-16",
}

BLACKLISTING = {
    "reasons": ["停业后拒不退还学员预收费，卷款跑路"],
    "decision_no": "海教黑字〔2024〕第003号",
}


@dataclass
class Bureau:
    """The district's education bureau at its desk: drives the API, and watches the store."""

    client: TestClient
    services: Services
    headers: Headers
    serial: int = field(default=0)

    # The bodies and codes above, for tests that vary one field (fixtures, not imports).
    registration = staticmethod(registration)
    LICENCE = LICENCE
    BANK_CUSTODY = BANK_CUSTODY
    RECTIFY_INSPECTION = RECTIFY_INSPECTION
    SUSPENSION = SUSPENSION
    REVOCATION = REVOCATION
    BLACKLISTING = BLACKLISTING
    SIYUAN_CODE = SIYUAN_CODE
    XUHUI_CODE = XUHUI_CODE

    # -- reading the store -------------------------------------------------------------------

    def head(self) -> int:
        """The position of the last event anywhere in the notification log (0 when empty)."""
        return self.services.registry.recorder.max_notification_id() or 0

    def events(self, institution_id: str) -> list[Any]:
        return self.services.registry.event_log.events(UUID(institution_id))

    def version(self, institution_id: str) -> int:
        """The institution's version, as its regulator reads it through the API."""
        answer = self.client.get(f"/v1/institutions/{institution_id}", headers=self.headers)
        assert answer.status_code == 200, answer.text
        version: int = answer.json()["version"]
        return version

    def appended_since(self, head: int) -> list[str]:
        """Events recorded after ``head`` on anyone's behalf but the registry's own.

        The registry itself (its clock, its reactions) may record in the background while a
        test runs; what a refused request must not do is record anything for its caller.
        """
        registry = self.services.registry
        appended = []
        for notification in registry.recorder.select_notifications(start=head + 1, limit=100):
            event = registry.mapper.to_domain_event(notification)
            actor = getattr(event, "actor", None) or {}
            if actor.get("role") != "system":
                appended.append(f"{type(event).__name__} at {notification.id}")
        return appended

    @contextmanager
    def appends_nothing(self, institution_id: str | None = None) -> Iterator[None]:
        """Assert the block appends no event: the log, and the institution, stay as they were."""
        head = self.head()
        if institution_id is not None:
            count = len(self.events(institution_id))
            version = self.version(institution_id)
        yield
        assert self.appended_since(head) == [], "an event was appended"
        if institution_id is not None:
            assert len(self.events(institution_id)) == count
            assert self.version(institution_id) == version

    # -- acting through the API --------------------------------------------------------------

    def post(self, path: str, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
        answer = self.client.post(path, json=body, headers=self.headers)
        assert answer.status_code == status, answer.text
        payload: dict[str, Any] = answer.json()
        return payload

    def new_credit_code(self, prefix: str = "91", district: str = "110108") -> str:
        """A credit code nobody has registered in this test yet."""
        self.serial += 1
        middle = "MA01" if prefix == "91" else "MJ00"
        return credit_code(f"{prefix}{district}{middle}{self.serial:05d}")

    def register(self, **overrides: Any) -> str:
        """Register an institution (by default 北京思远教育科技有限公司); its id."""
        return str(self.post("/v1/institutions", registration(**overrides), 201)["id"])

    def license(self, institution_id: str, **overrides: Any) -> dict[str, Any]:
        return self.post(f"/v1/institutions/{institution_id}/licence", {**LICENCE, **overrides})

    def supervise(self, institution_id: str, **overrides: Any) -> dict[str, Any]:
        body = {**BANK_CUSTODY, **overrides}
        return self.post(f"/v1/institutions/{institution_id}/supervision", body)

    def licensed(self, **overrides: Any) -> str:
        institution_id = self.register(**overrides)
        self.license(institution_id)
        return institution_id

    def legitimate(self, **overrides: Any) -> str:
        """Registered, licensed and under bank custody: the state a parent hopes to find."""
        institution_id = self.licensed(**overrides)
        self.supervise(institution_id)
        return institution_id

    def inspect(self, institution_id: str, **overrides: Any) -> str:
        body = {**RECTIFY_INSPECTION, **overrides}
        path = f"/v1/institutions/{institution_id}/inspections"
        return str(self.post(path, body, 201)["id"])

    def order_rectification(
        self, institution_id: str, issued_on: date = TODAY, deadline: date = IN_A_MONTH
    ) -> str:
        inspection_id = self.inspect(institution_id)
        body = {
            "inspection_id": inspection_id,
            "items": ["在经营场所显著位置公示收费项目和标准"],
            "issued_on": issued_on.isoformat(),
            "deadline": deadline.isoformat(),
        }
        path = f"/v1/institutions/{institution_id}/rectification-orders"
        return str(self.post(path, body, 201)["id"])

    def suspend(self, institution_id: str) -> None:
        self.post(f"/v1/institutions/{institution_id}/suspension", SUSPENSION)

    def revoke(self, institution_id: str) -> None:
        self.post(f"/v1/institutions/{institution_id}/revocation", REVOCATION)

    def blacklist(self, institution_id: str) -> None:
        self.post(f"/v1/institutions/{institution_id}/blacklisting", BLACKLISTING)

    def academic_company(self) -> str:
        """北京学霸教育科技有限公司: an academic (学科类) company licensed in 2019, before 双减."""
        institution_id = self.register(
            name="北京学霸教育科技有限公司",
            credit_code=XUEBA_CODE,
            category="academic",
            subjects=["数学", "英语"],
            legal_representative="赵建国",
        )
        self.license(institution_id, valid_from="2019-09-01", valid_to="2024-08-31")
        return institution_id

    def converting(self) -> str:
        institution_id = self.academic_company()
        body = {
            "started_on": "2021-09-01",
            "planned_successor_name": "北京市海淀区启明学科培训学校",
        }
        self.post(f"/v1/institutions/{institution_id}/conversion", body)
        return institution_id

    def successor(
        self, predecessor_id: str, *, licensed: bool = True, supervised: bool = True
    ) -> str:
        """北京市海淀区启明学科培训学校: the non-profit (52) successor of a conversion."""
        successor_id = self.register(
            name="北京市海淀区启明学科培训学校",
            credit_code=QIMING_CODE,
            category="academic",
            subjects=["数学", "英语"],
            legal_form="non_profit",
            legal_representative="赵建国",
            successor_of=predecessor_id,
        )
        if licensed:
            self.license(
                successor_id,
                licence_no="教民111010880000579号",
                valid_from="2021-12-01",
                valid_to="2026-11-30",
            )
        if supervised:
            self.supervise(successor_id, account_no="0200004509200765432")
        return successor_id


@pytest.fixture
def bureau(client: TestClient, services: Services, regulator_110108: Headers) -> Bureau:
    """北京市海淀区教育委员会 at its desk, with its regulator key."""
    return Bureau(client, services, regulator_110108)


# -- every regulator command on an institution -----------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where a command is sent, and the body fields only known once its givens exist."""

    ids: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def institution_id(self) -> str:
        return self.ids["id"]


@dataclass(frozen=True)
class Command:
    """A regulator command of API.md: how to reach a state it succeeds in, and a valid body."""

    name: str
    method: str
    path: str
    body: dict[str, Any]
    given: Callable[[Bureau], Target]
    event: str
    required: str
    wrong_type: tuple[str, Any]
    status: int = 200
    creates: str | None = None

    def url(self, target: Target) -> str:
        return self.path.format(**target.ids)

    def body_for(self, target: Target) -> dict[str, Any]:
        return {**self.body, **target.body}

    def send(
        self,
        client: TestClient,
        target: Target,
        key: Headers | None = None,
        body: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send the command with ``key``; ``body`` replaces the valid body; ``kwargs`` to httpx."""
        if "content" not in kwargs:
            kwargs["json"] = self.body_for(target) if body is None else body
        all_headers = {**(key or {}), **kwargs.pop("headers", {})}
        return client.request(self.method, self.url(target), headers=all_headers, **kwargs)


def _registered(b: Bureau) -> Target:
    return Target({"id": b.register()})


def _licensed(b: Bureau) -> Target:
    return Target({"id": b.licensed()})


def _suspended(b: Bureau) -> Target:
    institution_id = b.licensed()
    b.suspend(institution_id)
    return Target({"id": institution_id})


def _revoked(b: Bureau) -> Target:
    institution_id = b.licensed()
    b.revoke(institution_id)
    return Target({"id": institution_id})


def _blacklisted(b: Bureau) -> Target:
    institution_id = b.licensed()
    b.blacklist(institution_id)
    return Target({"id": institution_id})


def _inspected(b: Bureau) -> Target:
    institution_id = b.licensed()
    return Target({"id": institution_id}, {"inspection_id": b.inspect(institution_id)})


def _under_rectification(b: Bureau) -> Target:
    institution_id = b.licensed()
    return Target({"id": institution_id, "order_id": b.order_rectification(institution_id)})


def _academic_company(b: Bureau) -> Target:
    return Target({"id": b.academic_company()})


def _converting_with_successor(b: Bureau) -> Target:
    predecessor_id = b.converting()
    return Target({"id": predecessor_id}, {"successor_id": b.successor(predecessor_id)})


BASE = "/v1/institutions/{id}"

COMMANDS = [
    Command(
        name="issue_licence",
        method="POST",
        path=f"{BASE}/licence",
        body=LICENCE,
        given=_registered,
        event="LicenceIssued",
        required="licence_no",
        wrong_type=("valid_from", "下个月"),
    ),
    Command(
        name="renew_licence",
        method="POST",
        path=f"{BASE}/licence/renewal",
        body={"valid_to": "2030-08-31"},
        given=_licensed,
        event="LicenceRenewed",
        required="valid_to",
        wrong_type=("valid_to", ["2030-08-31"]),
    ),
    Command(
        name="establish_supervision",
        method="POST",
        path=f"{BASE}/supervision",
        body=BANK_CUSTODY,
        given=_licensed,
        event="FundSupervisionEstablished",
        required="bank",
        wrong_type=("account_no", 200004509200123456),
    ),
    Command(
        name="file_staff",
        method="POST",
        path=f"{BASE}/staff",
        body={
            "name": "王芳",
            "role": "美术教师",
            "qualification": "teacher_certificate",
            "certificate_no": "20191100142000123",
            "serving_school_teacher": False,
        },
        given=_registered,
        event="StaffMemberFiled",
        required="serving_school_teacher",
        wrong_type=("serving_school_teacher", "不是"),
    ),
    Command(
        name="record_inspection",
        method="POST",
        path=f"{BASE}/inspections",
        body=RECTIFY_INSPECTION,
        given=_licensed,
        event="InspectionRecorded",
        required="result",
        wrong_type=("inspectors", "王强"),
        status=201,
        creates="inspection",
    ),
    Command(
        name="order_rectification",
        method="POST",
        path=f"{BASE}/rectification-orders",
        body={
            "items": ["在经营场所显著位置公示收费项目和标准"],
            "issued_on": TODAY.isoformat(),
            "deadline": IN_A_MONTH.isoformat(),
        },
        given=_inspected,
        event="RectificationOrdered",
        required="deadline",
        wrong_type=("items", "公示收费项目"),
        status=201,
        creates="rectification order",
    ),
    Command(
        name="verify_rectification",
        method="POST",
        path=f"{BASE}/rectification-orders/{{order_id}}/verification",
        body={"verified_on": TODAY.isoformat(), "outcome": "completed"},
        given=_under_rectification,
        event="RectificationVerified",
        required="outcome",
        wrong_type=("outcome", True),
    ),
    Command(
        name="suspend_enrolment",
        method="POST",
        path=f"{BASE}/suspension",
        body=SUSPENSION,
        given=_licensed,
        event="EnrolmentSuspended",
        required="decision_no",
        wrong_type=("effective_from", "明天"),
    ),
    Command(
        name="lift_suspension",
        method="POST",
        path=f"{BASE}/suspension/lift",
        body={"decision_no": "海教决字〔2025〕第021号", "lifted_on": TODAY.isoformat()},
        given=_suspended,
        event="EnrolmentSuspensionLifted",
        required="lifted_on",
        wrong_type=("decision_no", 21),
    ),
    Command(
        name="impose_penalty",
        method="POST",
        path=f"{BASE}/penalties",
        body={
            "decision_no": "海教罚决字〔2024〕第022号",
            "kinds": ["warning", "fine"],
            "fine_fen": 5_000_000,
            "illegal_gains_fen": 1_280_000,
            "decided_on": "2024-11-20",
        },
        given=_licensed,
        event="PenaltyImposed",
        required="kinds",
        wrong_type=("fine_fen", "五万元"),
    ),
    Command(
        name="revoke_licence",
        method="POST",
        path=f"{BASE}/revocation",
        body=REVOCATION,
        given=_licensed,
        event="LicenceRevoked",
        required="reason",
        wrong_type=("notice_served_on", {}),
    ),
    Command(
        name="start_conversion",
        method="POST",
        path=f"{BASE}/conversion",
        body={"started_on": "2021-09-01", "planned_successor_name": "北京市海淀区启明学科培训学校"},
        given=_academic_company,
        event="ConversionStarted",
        required="planned_successor_name",
        wrong_type=("started_on", []),
    ),
    Command(
        name="complete_conversion",
        method="POST",
        path=f"{BASE}/conversion/completion",
        body={"completed_on": "2021-12-31"},
        given=_converting_with_successor,
        event="ConversionCompleted",
        required="successor_id",
        wrong_type=("successor_id", 12345),
    ),
    Command(
        name="cease_operations",
        method="POST",
        path=f"{BASE}/cessation",
        body={"kind": "voluntary", "ceased_on": "2025-01-15", "reason": "经营困难，主动停止办学"},
        given=_licensed,
        event="OperationsCeased",
        required="kind",
        wrong_type=("kind", ["voluntary"]),
    ),
    Command(
        name="blacklist",
        method="POST",
        path=f"{BASE}/blacklisting",
        body=BLACKLISTING,
        given=_licensed,
        event="Blacklisted",
        required="reasons",
        wrong_type=("reasons", "卷款跑路"),
    ),
    Command(
        name="remove_from_blacklist",
        method="DELETE",
        path=f"{BASE}/blacklisting",
        body={"decision_no": "海教黑移字〔2025〕第001号"},
        given=_blacklisted,
        event="RemovedFromBlacklist",
        required="decision_no",
        wrong_type=("decision_no", 1),
    ),
    Command(
        name="deregister",
        method="POST",
        path=f"{BASE}/deregistration",
        body={"deregistered_on": "2025-01-20", "reason": "办学许可证已被吊销，依法注销"},
        given=_revoked,
        event="Deregistered",
        required="reason",
        wrong_type=("deregistered_on", 1.5),
    ),
]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "command" in metafunc.fixturenames:
        metafunc.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
