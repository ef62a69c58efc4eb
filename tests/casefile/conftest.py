"""A family's refund dispute brought to the point of a court case file, and the file opened.

北京思远教育科技有限公司 (海淀区): 48 paid + 4 gift lessons, 4,320.00 yuan paid in two charges, 20
lessons taught, 1,000.00 yuan of escrow released, then the school closed abnormally. 海淀区教委
opens the case with two items of evidence, through the API as a bureau would; ``dispute`` has it
assessed (2,658.46 yuan, POOLED), ``unassessed`` not yet. ``CaseFile`` opens an exported ZIP.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from api.app import create_app
from registry.bootstrap import Services
from registry.settings import Settings

Headers = dict[str, str]

SCHOOL = "北京思远教育科技有限公司"
CREDIT_CODE = "91110108551385082Q"
LICENCE_NO = "教民111010870001234号"
CLAIMANT = "王丽娟"
PHONE = "13911112222"


def ok(answer: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    return body


@dataclass
class Keys:
    regulator: Headers  # 北京市海淀区教育委员会
    feed: Headers  # the custody bank's feed for 海淀区
    court: Headers  # 北京市海淀区人民法院
    admin: Headers
    stranger: Headers  # 上海市徐汇区教育局: a regulator of another district


def _key(services: Services, role: str, districts: list[str], name: str) -> Headers:
    _, secret = services.keys.create(role, districts, name)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def keys(services: Services) -> Keys:
    return Keys(
        regulator=_key(services, "regulator", ["110108"], "北京市海淀区教育委员会"),
        feed=_key(services, "feed", ["110108"], "中国工商银行北京海淀支行资金监管接口"),
        court=_key(services, "court", [], "北京市海淀区人民法院"),
        admin=_key(services, "admin", [], "教育部校外教育培训监管司"),
        stranger=_key(services, "regulator", ["310104"], "上海市徐汇区教育局"),
    )


@pytest.fixture
def client(settings: Settings, services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(settings, services)) as test_client:
        yield test_client


@dataclass
class Dispute:
    client: TestClient
    services: Services
    keys: Keys
    institution_id: str
    contract_id: str
    case_id: str

    def head(self) -> int:
        return self.services.registry.store.head()

    def act(self, step: str, body: dict[str, Any], key: Headers | None = None) -> dict[str, Any]:
        path = f"/v1/refund-cases/{self.case_id}/{step}"
        return ok(self.client.post(path, json=body, headers=key or self.keys.regulator))

    def assess(self) -> int:
        """The registry assesses the unconsumed amount; the position of the assessment."""
        answer = self.act("assessment", {"method": "pooled"})
        assert answer["assessed_fen"] == 265_846
        return int(answer["position"])

    def export(self, key: Headers | None = None) -> httpx.Response:
        """``POST …/case-files``: export the case file now, a recorded act."""
        return self.client.post(
            f"/v1/refund-cases/{self.case_id}/case-files",
            headers=self.keys.court if key is None else key,
        )

    def fetch(self, key: Headers | None = None, position: int | None = None) -> httpx.Response:
        """``GET …/case-file[?position=]``: read the case file, recording nothing."""
        params = {} if position is None else {"position": position}
        return self.client.get(
            f"/v1/refund-cases/{self.case_id}/case-file",
            headers=self.keys.court if key is None else key,
            params=params,
        )

    def case_file(self, key: Headers | None = None, position: int | None = None) -> CaseFile:
        """The case file (of the court unless ``key`` says whose), opened: exported now, or
        read at ``position`` if given."""
        if position is None:
            return CaseFile(self.export(key), 201)
        return CaseFile(self.fetch(key, position))

    def read(self, path: str) -> dict[str, Any]:
        """What the court reads at ``path`` of the API."""
        return ok(self.client.get(path, headers=self.keys.court))


def open_dispute(client: TestClient, services: Services, keys: Keys) -> Dispute:
    """The school registered, licensed and supervised; the contract paid and partly taught; the
    school closed abnormally; the family's complaint opened with two items of evidence."""
    reg, feed = keys.regulator, keys.feed
    school = ok(
        client.post(
            "/v1/institutions",
            headers=reg,
            json={
                "name": SCHOOL,
                "credit_code": CREDIT_CODE,
                "district_code": "110108",
                "address": "北京市海淀区中关村大街27号中关村大厦3层",
                "category": "non_academic",
                "subjects": ["美术", "书法"],
                "delivery": "offline",
                "legal_form": "company",
                "legal_representative": "李秀英",
                "registered_on": "2024-08-01",
            },
        ),
        201,
    )["id"]
    ok(
        client.post(
            f"/v1/institutions/{school}/licence",
            headers=reg,
            json={
                "licence_no": LICENCE_NO,
                "approving_authority": "北京市海淀区教育委员会",
                "valid_from": "2024-09-01",
                "valid_to": "2027-08-31",
            },
        )
    )
    ok(
        client.post(
            f"/v1/institutions/{school}/supervision",
            headers=reg,
            json={
                "mode": "bank_custody",
                "bank": "中国工商银行北京海淀支行",
                "account_no": "0200004509200123456",
                "agreement_no": "HDJW-ZJJG-2024-0187",
                "established_on": "2024-09-01",
            },
        )
    )
    contract = ok(
        client.post(
            "/v1/contracts",
            headers=feed,
            json={
                "institution_id": school,
                "pupil_ref": "pupil-2026-0417",
                "guardian_name": CLAIMANT,
                "guardian_phone": PHONE,
                "course": "少儿美术基础班（春季）",
                "paid_lessons": 48,
                "gift_lessons": 4,
                "price_per_lesson_fen": 9_000,
                "start_date": "2026-03-02",
                "end_date": "2026-05-31",
            },
        ),
        201,
    )["id"]
    for paid_at, until in (
        ("2026-03-01T10:00:00+08:00", "2026-04-15"),
        ("2026-03-20T10:00:00+08:00", "2026-05-31"),
    ):
        ok(
            client.post(
                f"/v1/contracts/{contract}/payments",
                headers=feed,
                json={
                    "amount_fen": 216_000,
                    "paid_at": paid_at,
                    "channel": "微信支付",
                    "into_supervised_account": True,
                    "lessons_covered": 24,
                    "covers_until": until,
                },
            )
        )
    for day, lessons in (("2026-03-10", 12), ("2026-03-24", 8)):
        ok(
            client.post(
                f"/v1/contracts/{contract}/consumptions",
                headers=feed,
                json={
                    "lessons": lessons,
                    "starts_at": f"{day}T16:00:00+08:00",
                    "ends_at": f"{day}T18:00:00+08:00",
                    "delivery": "offline",
                },
            )
        )
    ok(
        client.post(
            f"/v1/contracts/{contract}/releases", headers=feed, json={"amount_fen": 100_000}
        )
    )
    ok(
        client.post(
            f"/v1/institutions/{school}/cessation",
            headers=reg,
            json={"kind": "abnormal", "ceased_on": "2026-04-01", "reason": "负责人失联，门店关闭"},
        )
    )
    case = ok(
        client.post(
            "/v1/refund-cases",
            headers=reg,
            json={
                "institution_id": school,
                "contract_ids": [contract],
                "claimant_name": CLAIMANT,
                "claimant_phone": PHONE,
                "source": "complaint",
                "claim_fen": 300_000,
            },
        ),
        201,
    )["id"]
    dispute = Dispute(client, services, keys, school, contract, case)
    for kind, description, content in (
        ("contract", "培训服务合同扫描件", b"contract scan"),
        ("payment", "微信支付凭证截图", b"payment receipts"),
    ):
        digest = hashlib.sha256(content).hexdigest()
        dispute.act("evidence", {"kind": kind, "description": description, "sha256": digest})
    return dispute


@pytest.fixture
def unassessed(client: TestClient, services: Services, keys: Keys) -> Dispute:
    return open_dispute(client, services, keys)


@pytest.fixture
def dispute(unassessed: Dispute) -> Dispute:
    unassessed.assess()
    return unassessed


class CaseFile:
    """An exported ZIP, opened."""

    def __init__(self, answer: httpx.Response, status: int = 200) -> None:
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"] == "application/zip"
        self.answer = answer
        self.archive = answer.content
        self.zip = zipfile.ZipFile(io.BytesIO(self.archive))
        self.files = {name: self.zip.read(name) for name in self.zip.namelist()}

    @property
    def position(self) -> int:
        return int(self.answer.headers["X-Registry-Position"])

    @cached_property
    def pdf(self) -> PdfReader:
        return PdfReader(io.BytesIO(self.files["index.pdf"]))

    @cached_property
    def text(self) -> str:
        return "\n".join(page.extract_text() for page in self.pdf.pages)

    @cached_property
    def ledger(self) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.files["ledger.csv"].decode("utf-8-sig"))))

    @cached_property
    def events(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.files["events.json"])
        return loaded

    @cached_property
    def manifest(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.files["manifest.json"])
        return loaded
