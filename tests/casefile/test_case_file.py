"""The court case file (DESIGN.md §4, API.md Refund cases), opened and checked as a court would.

A family's dispute with 北京思远教育科技有限公司 (海淀区): 48 paid + 4 gift lessons, 4,320.00 yuan
paid in two charges, 20 lessons taught, 1,000.00 yuan of escrow released, then the school closed
abnormally. 海淀区教委 opens the case and the registry assesses 2,658.46 yuan (POOLED). The ZIP's
index.pdf, ledger.csv, events.json and manifest.json must agree with the registry and with each
other, verify by SHA-256, and come out byte for byte the same at the same log position. Every
test runs on SQLite and, when reachable, PostgreSQL.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from typer.testing import CliRunner, Result

from api.app import create_app
from cli.main import app as cli_app
from registry.bootstrap import Services
from registry.casefile.builder import build_case_file
from registry.domain.clock import SHANGHAI
from registry.domain.principal import Principal
from registry.settings import Settings

Headers = dict[str, str]

SCHOOL = "北京思远教育科技有限公司"
CREDIT_CODE = "91110108551385082Q"
LICENCE_NO = "教民111010870001234号"
CLAIMANT = "王丽娟"
PHONE = "13911112222"
FILES = ["index.pdf", "ledger.csv", "events.json", "manifest.json"]
EXPORT_NEEDS_ASSESSMENT = "refund_case.export_needs_assessment"


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
        return self.services.registry.recorder.max_notification_id() or 0

    def act(self, step: str, body: dict[str, Any], key: Headers | None = None) -> dict[str, Any]:
        path = f"/v1/refund-cases/{self.case_id}/{step}"
        return ok(self.client.post(path, json=body, headers=key or self.keys.regulator))

    def assess(self) -> int:
        """The registry assesses the unconsumed amount; the position of the assessment."""
        answer = self.act("assessment", {"method": "pooled"})
        assert answer["assessed_fen"] == 265_846
        return int(answer["position"])

    def export(self, key: Headers | None = None, position: int | None = None) -> httpx.Response:
        params = {} if position is None else {"position": position}
        return self.client.get(
            f"/v1/refund-cases/{self.case_id}/case-file",
            headers=self.keys.court if key is None else key,
            params=params,
        )


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

    def __init__(self, answer: httpx.Response) -> None:
        assert answer.status_code == 200, answer.text
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


# -- what the ZIP holds ----------------------------------------------------------------------


def test_the_case_file_is_a_zip_of_the_index_the_ledger_the_events_and_the_manifest(
    dispute: Dispute,
) -> None:
    case_file = CaseFile(dispute.export())

    assert case_file.zip.namelist() == FILES
    disposition = case_file.answer.headers["content-disposition"]
    assert f"case-{dispute.case_id}-{case_file.position}.zip" in disposition
    stamp = datetime.fromisoformat(case_file.manifest["exported_at"]).astimezone(SHANGHAI)
    for entry in case_file.zip.infolist():
        assert entry.date_time == (
            stamp.year,
            stamp.month,
            stamp.day,
            stamp.hour,
            stamp.minute,
            stamp.second - stamp.second % 2,  # DOS times count in two seconds
        )
        assert entry.external_attr >> 16 == 0o100644
        assert entry.compress_type == zipfile.ZIP_DEFLATED


def test_the_index_names_the_parties_and_the_assessed_amount_in_chinese(dispute: Dispute) -> None:
    text = CaseFile(dispute.export()).text

    for expected in (
        SCHOOL,
        CREDIT_CODE,
        LICENCE_NO,
        "李秀英",
        CLAIMANT,
        PHONE,
        "中国工商银行北京海淀支行",
    ):
        assert expected in text
    assert "2,658.46" in text  # POOLED, the chosen method
    assert "2,520.00" in text  # PAID_FIRST, disclosed beside it
    assert "108000/13" in text and "3456000/13" in text  # the worksheet's exact fractions
    assert "4,320.00" in text and "3,000.00" in text  # paid, and claimed
    assert "3,320.00" in text  # escrow balance: 4,320.00 paid - 1,000.00 released - 0 refunded


def test_the_index_is_a4_with_numbered_pages_and_a_linked_table_of_contents(
    dispute: Dispute,
) -> None:
    pdf = CaseFile(dispute.export()).pdf
    total = len(pdf.pages)

    for number, page in enumerate(pdf.pages, start=1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
        assert f"第 {number} 页 / 共 {total} 页" in page.extract_text()
    outline = [(item.title, pdf.get_destination_page_number(item)) for item in pdf.outline]
    sections = [title.split()[1] for title, _ in outline[1:]]
    assert sections == [
        "当事人",
        "合同",
        "缴费",
        "消课",
        "主张金额",
        "资金监管",
        "监管记录",
        "调解",
        "时间线",
        "证据目录",
    ]
    page_numbers = {page.indirect_reference.idnum: n for n, page in enumerate(pdf.pages)}
    links = [a.get_object() for a in pdf.pages[0]["/Annots"]]
    targets = {page_numbers[a["/Dest"][0].idnum] for a in links if a["/Subtype"] == "/Link"}
    assert targets == {page for _, page in outline[1:]}
    assert pdf.metadata is not None and pdf.metadata.title == f"退费案件卷宗 {dispute.case_id}"


def test_the_ledger_agrees_with_the_contracts_ledger_figures(dispute: Dispute) -> None:
    case_file = CaseFile(dispute.export())
    contract = ok(
        dispute.client.get(f"/v1/contracts/{dispute.contract_id}", headers=dispute.keys.court)
    )
    rows = case_file.ledger

    assert case_file.files["ledger.csv"].startswith("\ufeff".encode())

    def total(kind: str, column: str) -> int:
        return sum(int(r[column]) for r in rows if r["type"] == kind)

    assert total("PrepaidFeeCollected", "amount_fen") == contract["paid_fen"] == 432_000
    assert total("LessonsConsumed", "lessons") == contract["consumed_lessons"] == 20
    assert total("EscrowReleased", "amount_fen") == contract["released_fen"] == 100_000
    assert total("PrepaidRefunded", "amount_fen") == contract["refunded_fen"] == 0
    last = rows[-1]
    for figure in ("paid_fen", "consumed_lessons", "released_fen", "refunded_fen"):
        assert int(last[figure]) == contract[figure]
    logged = {e["position"]: e for e in case_file.events["events"]}
    assert [int(r["position"]) for r in rows] == sorted(int(r["position"]) for r in rows)
    assert all(logged[int(r["position"])]["type"] == r["type"] for r in rows)


def test_events_json_holds_every_event_of_the_case_its_contract_and_its_institution(
    dispute: Dispute,
) -> None:
    case_file = CaseFile(dispute.export())
    log = dispute.services.registry.event_log
    expected = sorted(
        e.position
        for stream in (dispute.case_id, dispute.contract_id, dispute.institution_id)
        for e in log.events(UUID(stream))
        if e.position <= case_file.position
    )
    events = case_file.events["events"]

    assert [e["position"] for e in events] == expected
    assert all(e["recorded_at"] and e["type"] and e["stream"] for e in events)
    assert case_file.events["position"] == case_file.position
    assert events[-1]["recorded_at"] == case_file.manifest["exported_at"]
    assert events[-1]["type"] == "UnconsumedAmountAssessed"
    text = json.dumps(case_file.events, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
    assert case_file.files["events.json"] == text.encode()


def test_every_digest_in_the_manifest_verifies(dispute: Dispute) -> None:
    case_file = CaseFile(dispute.export())
    manifest = case_file.manifest

    assert [f["name"] for f in manifest["files"]] == FILES[:3]
    for entry in manifest["files"]:
        data = case_file.files[entry["name"]]
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["bytes"]
    assert manifest["case_id"] == dispute.case_id
    assert manifest["position"] == case_file.position
    assert manifest["tool"]["name"] == "training-registry" and manifest["tool"]["version"]
    streams = {s["id"]: s["stream"] for s in manifest["streams"]}
    assert streams == {
        dispute.case_id: "refund_case",
        dispute.contract_id: "contract",
        dispute.institution_id: "institution",
    }


# -- reproducible ----------------------------------------------------------------------------


def test_two_exports_at_the_same_position_are_byte_for_byte_identical(dispute: Dispute) -> None:
    first = CaseFile(dispute.export())
    dispute.act(
        "evidence", {"kind": "communication", "description": "微信聊天记录", "sha256": "c" * 64}
    )

    again = CaseFile(dispute.export(position=first.position))
    by_admin = CaseFile(dispute.export(dispute.keys.admin, position=first.position))
    now = CaseFile(dispute.export())

    assert again.archive == first.archive == by_admin.archive
    assert again.answer.headers["X-Manifest-SHA256"] == first.answer.headers["X-Manifest-SHA256"]
    assert now.position > first.position and now.archive != first.archive
    assert "微信聊天记录" in now.text and "微信聊天记录" not in again.text


def test_the_builder_gives_the_same_bytes_for_the_same_bundle(dispute: Dispute) -> None:
    registry = dispute.services.registry
    court = Principal(id="court-clerk", role="court")
    bundle = registry.case_file_bundle(court, UUID(dispute.case_id))

    archive, digest = build_case_file(bundle)

    assert build_case_file(json.loads(json.dumps(bundle))) == (archive, digest)
    manifest = zipfile.ZipFile(io.BytesIO(archive)).read("manifest.json")
    assert hashlib.sha256(manifest).hexdigest() == digest


def test_an_export_at_an_earlier_position_shows_the_case_as_it_then_stood(
    unassessed: Dispute,
) -> None:
    assessed_at = unassessed.assess()
    unassessed.act("mediation", {"outcome": "failed", "held_on": "2026-04-10"})

    then = CaseFile(unassessed.export(position=assessed_at))

    assert then.position == assessed_at
    assert max(e["position"] for e in then.events["events"]) == assessed_at
    assert "MediationFailed" not in {e["type"] for e in then.events["events"]}
    assert "已核定 assessed" in then.text


def test_exporting_records_case_file_exported_with_the_manifest_digest(dispute: Dispute) -> None:
    case_file = CaseFile(dispute.export())
    header = case_file.answer.headers["X-Manifest-SHA256"]

    assert hashlib.sha256(case_file.files["manifest.json"]).hexdigest() == header
    case = ok(dispute.client.get(f"/v1/refund-cases/{dispute.case_id}", headers=dispute.keys.court))
    assert case["exports"] == [{"manifest_sha256": header, "position": case_file.position}]
    recorded = dispute.services.registry.event_log.events(UUID(dispute.case_id))[-1]
    assert recorded.type == "CaseFileExported"
    assert recorded.position == dispute.head() > case_file.position
    assert recorded.data["manifest_sha256"] == header
    assert recorded.actor["role"] == "court"


# -- who may export --------------------------------------------------------------------------


@pytest.mark.parametrize("holder", ["court", "admin", "regulator"])
def test_the_court_an_admin_and_the_districts_regulator_may_export(
    dispute: Dispute, holder: str
) -> None:
    case_file = CaseFile(dispute.export(getattr(dispute.keys, holder)))

    assert SCHOOL in case_file.text


@pytest.mark.parametrize("holder", ["stranger", "feed"])
def test_a_regulator_of_another_district_or_a_bank_feed_is_refused_and_nothing_is_recorded(
    dispute: Dispute, holder: str
) -> None:
    head = dispute.head()

    answer = dispute.export(getattr(dispute.keys, holder))

    assert answer.status_code == 403, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert dispute.head() == head


def test_the_public_without_a_key_is_refused(dispute: Dispute) -> None:
    head = dispute.head()

    answer = dispute.export({})

    assert answer.status_code == 401, answer.text
    assert dispute.head() == head


def test_there_is_no_case_file_before_an_assessment(unassessed: Dispute) -> None:
    head = unassessed.head()

    answer = unassessed.export()

    assert answer.status_code == 422, answer.text
    assert answer.json()["rule"] == EXPORT_NEEDS_ASSESSMENT
    assert unassessed.head() == head


def test_there_is_no_case_file_at_a_position_before_the_assessment(unassessed: Dispute) -> None:
    before = unassessed.head()
    unassessed.assess()

    answer = unassessed.export(position=before)

    assert answer.status_code == 422, answer.text
    assert answer.json()["rule"] == EXPORT_NEEDS_ASSESSMENT


def test_the_claimant_and_guardian_details_never_reach_the_logs(
    dispute: Dispute, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    case_file = CaseFile(dispute.export())

    assert CLAIMANT in case_file.text  # the court sees them …
    assert CLAIMANT not in caplog.text and PHONE not in caplog.text  # … the logs never do


# -- from the command line -------------------------------------------------------------------


def _registry_command(settings: Settings, *args: str) -> Result:
    env = {
        "REGISTRY_DATABASE_URL": settings.database_url,
        "REGISTRY_DATABASE_SCHEMA": settings.database_schema,
    }
    return CliRunner().invoke(cli_app, list(args), env=env)


def test_the_operator_exports_the_same_case_file_from_the_command_line(
    dispute: Dispute, settings: Settings, tmp_path: Path
) -> None:
    by_api = CaseFile(dispute.export())
    out = tmp_path / "案卷" / "case.zip"
    out.parent.mkdir()

    result = _registry_command(
        settings,
        "export-case",
        dispute.case_id,
        "--out",
        str(out),
        "--position",
        str(by_api.position),
    )

    assert result.exit_code == 0, result.output
    assert out.read_bytes() == by_api.archive
    assert by_api.answer.headers["X-Manifest-SHA256"] in result.stdout
    assert not list(out.parent.glob("*.partial"))
    recorded = dispute.services.registry.event_log.events(UUID(dispute.case_id))[-1]
    assert recorded.type == "CaseFileExported"
    assert recorded.actor["role"] == "admin"


def test_exporting_an_unassessed_case_from_the_command_line_fails_and_writes_nothing(
    unassessed: Dispute, settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "case.zip"
    head = unassessed.head()

    result = _registry_command(settings, "export-case", unassessed.case_id, "--out", str(out))

    assert result.exit_code == 1
    assert EXPORT_NEEDS_ASSESSMENT in result.stderr
    assert not out.exists()
    assert unassessed.head() == head


def test_exporting_into_a_directory_that_does_not_exist_fails_before_anything_is_recorded(
    dispute: Dispute, settings: Settings, tmp_path: Path
) -> None:
    head = dispute.head()

    result = _registry_command(
        settings, "export-case", dispute.case_id, "--out", str(tmp_path / "missing" / "c.zip")
    )

    assert result.exit_code == 1
    assert result.stderr.startswith("error: no directory")
    assert "Traceback" not in result.output
    assert dispute.head() == head
