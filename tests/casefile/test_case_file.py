"""The court case file (docs/domain.md §4.9), opened and checked as a court would.

The ZIP's index.pdf, ledger.csv, events.json and manifest.json must agree with the registry and
with each other, verify by SHA-256, and come out byte for byte the same at the same log
position; only the court, an admin and the district's regulator may take it. The dispute and the
opened file are the fixtures of ``conftest``; exporting from the command line is in
``test_case_file_cli``. Every test runs on SQLite and, when reachable, PostgreSQL.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import zipfile
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

import pytest
from eventsourcing.domain import DomainEvent

from registry.casefile.builder import build_case_file
from registry.casefile.in_force import in_force_rows
from registry.domain.clock import SHANGHAI, today
from registry.domain.events import (
    CaseFileExported,
    EscrowReleased,
    LessonsConsumed,
    MediationFailed,
    PrepaidFeeCollected,
    PrepaidRefunded,
    UnconsumedAmountAssessed,
)
from registry.domain.principal import Principal

if TYPE_CHECKING:
    from conftest import Dispute

SCHOOL = "北京思远教育科技有限公司"
CREDIT_CODE = "91110108551385082Q"
LICENCE_NO = "教民111010870001234号"
CLAIMANT = "王丽娟"
PHONE = "13911112222"
FILES = [
    "README.txt",
    "index.pdf",
    "ledger.csv",
    "events.json",
    "public-key.pem",
    "manifest.json",
    "manifest.sig",
    "SHA256SUMS",
]
EXPORT_NEEDS_ASSESSMENT = "refund_case.export_needs_assessment"


# -- what the ZIP holds ----------------------------------------------------------------------


def test_the_case_file_is_a_zip_of_the_index_the_ledger_the_events_and_the_manifest(
    dispute: Dispute,
) -> None:
    case_file = dispute.case_file()

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
    text = dispute.case_file().text

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
    pdf = dispute.case_file().pdf
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
    case_file = dispute.case_file()
    contract = dispute.read(f"/v1/contracts/{dispute.contract_id}")
    rows = case_file.ledger

    assert case_file.files["ledger.csv"].startswith("\ufeff".encode())

    def total(kind: type[DomainEvent], column: str) -> int:
        return sum(int(r[column]) for r in rows if r["type"] == kind.__name__)

    assert total(PrepaidFeeCollected, "amount_fen") == contract["paid_fen"] == 432_000
    assert total(LessonsConsumed, "lessons") == contract["consumed_lessons"] == 20
    assert total(EscrowReleased, "amount_fen") == contract["released_fen"] == 100_000
    assert total(PrepaidRefunded, "amount_fen") == contract["refunded_fen"] == 0
    last = rows[-1]
    for figure in ("paid_fen", "consumed_lessons", "released_fen", "refunded_fen"):
        assert int(last[figure]) == contract[figure]
    logged = {e["position"]: e for e in case_file.events["events"]}
    assert [int(r["position"]) for r in rows] == sorted(int(r["position"]) for r in rows)
    assert all(logged[int(r["position"])]["type"] == r["type"] for r in rows)


def test_events_json_holds_every_event_of_the_case_its_contract_and_its_institution(
    dispute: Dispute,
) -> None:
    case_file = dispute.case_file()
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
    assert events[-1]["type"] == UnconsumedAmountAssessed.__name__
    text = json.dumps(case_file.events, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
    assert case_file.files["events.json"] == text.encode()


def test_every_digest_in_the_manifest_verifies(dispute: Dispute) -> None:
    case_file = dispute.case_file()
    manifest = case_file.manifest

    assert [f["name"] for f in manifest["files"]] == FILES[:5]
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
    first = dispute.case_file()
    dispute.act(
        "evidence", {"kind": "communication", "description": "微信聊天记录", "sha256": "c" * 64}
    )

    again = dispute.case_file(position=first.position)
    by_admin = dispute.case_file(dispute.keys.admin, position=first.position)
    now = dispute.case_file()

    assert again.archive == first.archive == by_admin.archive
    assert again.answer.headers["X-Manifest-SHA256"] == first.answer.headers["X-Manifest-SHA256"]
    assert now.position > first.position and now.archive != first.archive
    assert "微信聊天记录" in now.text and "微信聊天记录" not in again.text


def test_the_builder_gives_the_same_bytes_for_the_same_bundle(dispute: Dispute) -> None:
    registry = dispute.services.registry
    court = Principal(id="court-clerk", role="court")
    bundle = registry.case_file_bundle(court, UUID(dispute.case_id))

    key = dispute.services.checkpoints.key
    archive, digest = build_case_file(bundle, key)

    assert build_case_file(json.loads(json.dumps(bundle)), key) == (archive, digest)
    manifest = zipfile.ZipFile(io.BytesIO(archive)).read("manifest.json")
    assert hashlib.sha256(manifest).hexdigest() == digest


def test_an_export_at_an_earlier_position_shows_the_case_as_it_then_stood(
    unassessed: Dispute,
) -> None:
    assessed_at = unassessed.assess()
    unassessed.act("mediation", {"outcome": "failed", "held_on": "2026-04-10"})

    then = unassessed.case_file(position=assessed_at)

    assert then.position == assessed_at
    assert max(e["position"] for e in then.events["events"]) == assessed_at
    assert MediationFailed.__name__ not in {e["type"] for e in then.events["events"]}
    assert "已核定 assessed" in then.text


def test_exporting_records_case_file_exported_with_the_manifest_digest(dispute: Dispute) -> None:
    case_file = dispute.case_file()
    header = case_file.answer.headers["X-Manifest-SHA256"]

    assert hashlib.sha256(case_file.files["manifest.json"]).hexdigest() == header
    case = dispute.read(f"/v1/refund-cases/{dispute.case_id}")
    assert case["exports"] == [{"manifest_sha256": header, "position": case_file.position}]
    recorded = dispute.services.registry.event_log.events(UUID(dispute.case_id))[-1]
    assert recorded.type == CaseFileExported.__name__
    assert recorded.position == dispute.head() > case_file.position
    assert recorded.data["manifest_sha256"] == header
    assert recorded.actor["role"] == "court"


# -- who may export --------------------------------------------------------------------------


@pytest.mark.parametrize("holder", ["court", "admin", "regulator"])
def test_the_court_an_admin_and_the_districts_regulator_may_export(
    dispute: Dispute, holder: str
) -> None:
    case_file = dispute.case_file(getattr(dispute.keys, holder))

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

    answer = unassessed.fetch(position=before)

    assert answer.status_code == 422, answer.text
    assert answer.json()["rule"] == EXPORT_NEEDS_ASSESSMENT


def test_the_claimant_and_guardian_details_never_reach_the_logs(
    dispute: Dispute, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    case_file = dispute.case_file()

    assert CLAIMANT in case_file.text  # the court sees them …
    assert CLAIMANT not in caplog.text and PHONE not in caplog.text  # … the logs never do


def test_the_file_says_what_was_in_force_on_each_payments_day_and_the_disputes_day(
    dispute: Dispute,
) -> None:
    dispute.assess()
    bundle = dispute.services.registry.case_file_bundle(
        Principal(id="court-key", role="admin"), UUID(dispute.case_id)
    )

    rows = in_force_rows(bundle)

    assert [(r["what"], r["on"], r["status"], r["legitimate"]) for r in rows] == [
        ("payment", "2026-03-01", "licensed", True),
        ("payment", "2026-03-20", "licensed", True),
        ("dispute", today().isoformat(), "ceased", False),
    ]
    assert rows[0]["licence"]["valid_to"] == "2027-08-31"
    assert rows[0]["supervision"]["mode"] == "bank_custody"
    assert "缴费与争议之日的机构状态" in dispute.case_file().text
