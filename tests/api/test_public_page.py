"""The public page and the open-data downloads, as a parent and a journalist meet them.

A parent searches the register at ``/`` and opens an institution's page: legitimacy, licence,
supervision, dated history, penalties, and a warning when it must not take fees. A journalist
downloads the whole register as CSV (Excel opens it, Chinese included) or JSON Lines, each
saying which log position it reflects. Neither ever shows a family's or a person's data.
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from registry.projections.queries import PUBLIC_FIELDS

if TYPE_CHECKING:
    from conftest import Bureau

Headers = dict[str, str]

BOM = b"\xef\xbb\xbf"

# What the registry holds about people: none of it may be published.
GUARDIAN_NAME = "司马静姝"
GUARDIAN_PHONE = "13655554444"
PUPIL_REF = "pupil-SMJS-20260302"
LEGAL_REPRESENTATIVE = "端木慧敏"
ACCOUNT_NO = "0200004509200987654"
CERTIFICATE_NO = "20201100143000987"
PERSONAL = (GUARDIAN_NAME, GUARDIAN_PHONE, PUPIL_REF, LEGAL_REPRESENTATIVE, ACCOUNT_NO)

CESSATION = {"kind": "abnormal", "ceased_on": "2025-01-15", "reason": "负责人失联，机构关门"}
PENALTY = {
    "decision_no": "海教罚决字〔2024〕第022号",
    "kinds": ["warning", "fine"],
    "fine_fen": 5_000_000,
    "illegal_gains_fen": 1_280_000,
    "decided_on": "2024-11-20",
}


def caught_up(bureau: Bureau) -> int:
    """Let the projector apply every event; the public register's position afterwards."""
    bureau.services.projector.run_once()
    return bureau.services.projector.positions()["public_register"]


def page(client: TestClient, path: str, **params: Any) -> str:
    answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    return answer.text


def cards(html: str) -> dict[str, str]:
    """The search results of a page: each card's HTML by the institution's name."""
    found = re.findall(r'<li class="card[^"]*">(.*?)</li>\s*(?=<li class="card|</ol>)', html, re.S)
    return {re.search(r"<h3><a [^>]*>(.*?)</a></h3>", c).group(1): c for c in found}  # type: ignore[union-attr]


def text(html: str) -> str:
    """The page's words, tags dropped and spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def jsonl_lines(content: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in content.decode("utf-8").splitlines()]


@pytest.fixture
def suspended_school(bureau: Bureau) -> str:
    """北京思远教育科技有限公司, legitimate until 海淀区 suspended its enrolment on 2024-11-10."""
    school = bureau.legitimate()
    bureau.suspend(school)
    return school


# -- the page ---------------------------------------------------------------------------------


def test_the_home_page_is_a_labelled_search_form_in_chinese_with_english_alongside(
    client: TestClient,
) -> None:
    html = page(client, "/")

    assert '<html lang="zh-CN">' in html
    assert "查询培训机构" in html and "Check a training institution" in html
    for field, zh, en in (
        ("q", "机构名称", "Name"),
        ("district", "所在区", "District"),
        ("category", "类别", "Category"),
    ):
        label = re.search(rf'<label for="{field}">(.*?)</label>', html, re.S)
        assert label is not None, field
        assert zh in label.group(1) and en in label.group(1)
    assert "北京市海淀区" in html and "上海市徐汇区" in html
    assert 'role="search"' in html and 'href="#main"' in html


def test_the_page_needs_nothing_from_elsewhere_and_its_stylesheet_is_served(
    client: TestClient,
) -> None:
    html = page(client, "/")

    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    assert "<script" not in html
    css = client.get("/static/site.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "@import" not in css.text and "url(" not in css.text


def test_a_search_by_part_of_a_name_shows_legitimacy_licence_and_supervision(
    bureau: Bureau, client: TestClient
) -> None:
    bureau.legitimate()
    caught_up(bureau)

    found = cards(page(client, "/", q="思远"))

    card = text(found["北京思远教育科技有限公司"])
    assert "合法机构 Legitimate" in card
    assert "教民111010870001234号" in card and "有效期至 valid to 2027-08-31" in card
    assert "银行托管 Bank custody" in card and "中国工商银行北京海淀支行" in card
    assert "北京市海淀区" in card and "非学科类" in card


def test_a_search_finds_institutions_that_are_not_legitimate_and_says_so(
    bureau: Bureau, client: TestClient, suspended_school: str
) -> None:
    bureau.licensed(name="北京乐学美术培训有限公司", credit_code=bureau.new_credit_code())
    caught_up(bureau)

    found = cards(page(client, "/", q="北京"))

    suspended = text(found["北京思远教育科技有限公司"])
    assert "非合法 Not legitimate" in suspended and "已暂停招生 Enrolment suspended" in suspended
    assert f'href="/institutions/{suspended_school}"' in found["北京思远教育科技有限公司"]
    licensed = text(found["北京乐学美术培训有限公司"])
    assert "非合法 Not legitimate" in licensed and "未落实资金监管" in licensed


def test_a_search_filters_by_district_category_and_legitimacy(
    bureau: Bureau, client: TestClient, regulator_310104: Headers
) -> None:
    bureau.legitimate()
    bureau.academic_company()  # licensed, no fund supervision: not legitimate
    xuhui = type(bureau)(bureau.client, bureau.services, regulator_310104)
    xuhui.legitimate(
        name="上海徐汇舞蹈培训有限公司", credit_code=bureau.XUHUI_CODE, district_code="310104"
    )
    caught_up(bureau)

    by_district = cards(page(client, "/", q="", district="310104"))
    by_category = cards(page(client, "/", q="", category="academic"))
    everyone = cards(page(client, "/", q=""))
    legitimate = cards(page(client, "/", q="", legitimate_only="true"))

    assert set(by_district) == {"上海徐汇舞蹈培训有限公司"}
    assert set(by_category) == {"北京学霸教育科技有限公司"}
    assert len(everyone) == 3
    assert set(legitimate) == {"北京思远教育科技有限公司", "上海徐汇舞蹈培训有限公司"}


def test_a_search_that_finds_nothing_warns_not_to_pay_an_unregistered_institution(
    client: TestClient,
) -> None:
    html = text(page(client, "/", q="不存在的培训学校"))

    assert "没有找到符合条件的机构" in html and "do not pay" in html


def test_a_long_result_list_continues_on_a_next_page(bureau: Bureau, client: TestClient) -> None:
    for n in range(52):
        bureau.register(name=f"北京第{n:02d}美术培训有限公司", credit_code=bureau.new_credit_code())
    caught_up(bureau)

    first = page(client, "/", q="美术")
    link = re.search(r'<a href="([^"]+)" rel="next">', first)
    assert link is not None
    second = client.get(link.group(1).replace("&amp;", "&"))

    names = [*cards(first), *cards(second.text)]
    assert len(cards(first)) == 50
    assert sorted(names) == [f"北京第{n:02d}美术培训有限公司" for n in range(52)]


def test_a_suspended_institutions_page_warns_not_to_pay_and_dates_its_history(
    client: TestClient, suspended_school: str, bureau: Bureau
) -> None:
    caught_up(bureau)

    html = page(client, f"/institutions/{suspended_school}")

    warning = re.search(r'<section class="warning".*?</section>', html, re.S)
    assert warning is not None
    assert "已暂停招生" in warning.group(0) and "do not enrol or pay" in warning.group(0)
    history = text(re.search(r'<table class="history">.*?</table>', html, re.S).group(0))  # type: ignore[union-attr]
    assert re.search(
        r"\d{4}-\d\d-\d\d 已登记.*2024-09-01 持有办学许可 Licensed.*"
        r"2024-11-10 已暂停招生 Enrolment suspended",
        history,
    )
    assert "非合法 Not legitimate" in text(html)


@pytest.mark.parametrize(
    ("act", "label"),
    [
        ("suspend", "已暂停招生 Enrolment suspended"),
        ("revoke", "已吊销 Licence revoked"),
        ("cease", "已停止经营 Ceased operating"),
        ("blacklist", "已列入黑名单 Blacklisted"),
    ],
)
def test_the_page_warns_when_the_institution_may_not_take_fees(
    act: str, label: str, bureau: Bureau, client: TestClient
) -> None:
    school = bureau.legitimate()
    acts: dict[str, Callable[[], Any]] = {
        "suspend": lambda: bureau.suspend(school),
        "revoke": lambda: bureau.revoke(school),
        "cease": lambda: bureau.post(f"/v1/institutions/{school}/cessation", CESSATION),
        "blacklist": lambda: bureau.blacklist(school),
    }
    acts[act]()
    caught_up(bureau)

    html = page(client, f"/institutions/{school}")

    assert '<section class="warning"' in html
    assert label in text(html)
    assert "合法机构 Legitimate" not in text(html)


def test_a_blacklisted_institution_shows_its_reasons_in_results_and_on_its_page(
    bureau: Bureau, client: TestClient
) -> None:
    school = bureau.licensed()
    bureau.blacklist(school)
    caught_up(bureau)

    card = text(cards(page(client, "/", q="思远"))["北京思远教育科技有限公司"])
    html = text(page(client, f"/institutions/{school}"))

    assert "已列入黑名单 Blacklisted" in card and "卷款跑路" in card
    assert "海教黑字〔2024〕第003号" in html and "停业后拒不退还学员预收费，卷款跑路" in html


def test_published_penalties_are_listed_with_their_decision_and_amounts(
    bureau: Bureau, client: TestClient
) -> None:
    school = bureau.legitimate()
    bureau.post(f"/v1/institutions/{school}/penalties", PENALTY)
    caught_up(bureau)

    html = text(page(client, f"/institutions/{school}"))

    assert "2024-11-20 海教罚决字〔2024〕第022号 警告 Warning ； 罚款 Fine" in html
    assert "¥50,000.00 ¥12,800.00" in html


@pytest.mark.parametrize("institution_id", ["5d0c1f5e-2b7a-4c43-9a51-3f2d8e6b7c10", "not-an-id"])
def test_an_institution_not_in_the_register_is_a_not_found_page(
    institution_id: str, client: TestClient
) -> None:
    answer = client.get(f"/institutions/{institution_id}")

    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "未找到" in answer.text and "Not found" in answer.text


def test_a_malformed_search_is_a_bad_request_page(client: TestClient) -> None:
    answer = client.get("/", params={"q": "", "district": "海淀"})

    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/html")


# -- open data --------------------------------------------------------------------------------


@pytest.fixture
def register(bureau: Bureau) -> dict[str, str]:
    """Institutions in four states, by id: their statuses."""
    schools = {
        bureau.register(): "registered",
        bureau.legitimate(name="北京乐学美术培训有限公司", credit_code=bureau.new_credit_code()): (
            "licensed"
        ),
    }
    suspended = bureau.legitimate(
        name="北京明日之星培训有限公司", credit_code=bureau.new_credit_code()
    )
    bureau.suspend(suspended)
    revoked = bureau.licensed(name="北京星光舞蹈培训有限公司", credit_code=bureau.new_credit_code())
    bureau.revoke(revoked)
    return {**schools, suspended: "suspended", revoked: "revoked"}


def test_the_csv_is_the_whole_register_in_utf8_with_a_bom_at_the_projectors_position(
    bureau: Bureau, client: TestClient, register: dict[str, str]
) -> None:
    position = caught_up(bureau)

    answer = client.get("/v1/public/institutions.csv")

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.content.startswith(BOM)
    assert answer.headers["x-registry-position"] == str(position)
    assert f'filename="public-register-{position}.csv"' in answer.headers["content-disposition"]
    header, *rows = csv_rows(answer.content)
    assert header == list(PUBLIC_FIELDS)
    assert {row[0]: row[header.index("status")] for row in rows} == register
    assert {row[header.index("legitimate")] for row in rows} == {"true", "false"}


def test_a_csv_cell_a_spreadsheet_would_run_as_a_formula_is_quoted_but_not_in_jsonl(
    bureau: Bureau, client: TestClient
) -> None:
    bureau.register(name='=HYPERLINK("http://x")培训', credit_code=bureau.new_credit_code())
    bureau.register(name="北京=1+1培训有限公司", credit_code=bureau.new_credit_code())
    caught_up(bureau)

    rows = csv_rows(client.get("/v1/public/institutions.csv").content)
    items = jsonl_lines(client.get("/v1/public/institutions.jsonl").content)[1:]

    assert sorted(row[1] for row in rows[1:]) == [
        '\'=HYPERLINK("http://x")培训',
        "北京=1+1培训有限公司",
    ]
    assert sorted(item["name"] for item in items)[0] == '=HYPERLINK("http://x")培训'


def test_the_jsonl_opens_with_its_position_then_one_institution_a_line(
    bureau: Bureau, client: TestClient, register: dict[str, str]
) -> None:
    position = caught_up(bureau)

    answer = client.get("/v1/public/institutions.jsonl")

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/jsonl")
    assert answer.headers["x-registry-position"] == str(position)
    meta, *items = jsonl_lines(answer.content)
    assert meta == {"_meta": {"registry_position": position, "fields": list(PUBLIC_FIELDS)}}
    assert {item["id"]: item["status"] for item in items} == register
    assert all(list(item) == list(PUBLIC_FIELDS) for item in items)


def test_an_export_of_an_empty_register_is_its_header_alone(client: TestClient) -> None:
    csv_answer = client.get("/v1/public/institutions.csv")
    jsonl_answer = client.get("/v1/public/institutions.jsonl")

    assert csv_rows(csv_answer.content) == [list(PUBLIC_FIELDS)]
    assert [list(line) for line in jsonl_lines(jsonl_answer.content)] == [["_meta"]]


def test_the_export_reads_one_snapshot_in_chunks_whatever_is_written_meanwhile(
    bureau: Bureau, register: dict[str, str]
) -> None:
    position = caught_up(bureau)
    views = bureau.services.views

    snapshot = views.public_register_snapshot(chunk_size=3)
    bureau.register(name="北京后来培训有限公司", credit_code=bureau.new_credit_code())
    later = caught_up(bureau)
    chunks = list(snapshot.chunks())

    assert later > position == snapshot.position
    assert [len(chunk) for chunk in chunks] == [3, 1]
    assert {item["id"] for chunk in chunks for item in chunk} == set(register)


# -- never personal data ----------------------------------------------------------------------


def test_no_page_or_download_shows_a_familys_or_a_persons_data(
    bureau: Bureau, client: TestClient, feed_110108: Headers
) -> None:
    school = bureau.licensed(legal_representative=LEGAL_REPRESENTATIVE)
    bureau.supervise(school, account_no=ACCOUNT_NO)
    staff = {
        "name": "欧阳老师",
        "role": "美术教师",
        "qualification": "教师资格证",
        "certificate_no": CERTIFICATE_NO,
        "serving_school_teacher": False,
    }
    bureau.post(f"/v1/institutions/{school}/staff", staff)
    contract = {
        "institution_id": school,
        "pupil_ref": PUPIL_REF,
        "guardian_name": GUARDIAN_NAME,
        "guardian_phone": GUARDIAN_PHONE,
        "course": "少儿美术基础班（春季）",
        "paid_lessons": 48,
        "price_per_lesson_fen": 9_000,
        "start_date": "2026-03-02",
        "end_date": "2026-05-31",
    }
    answer = client.post("/v1/contracts", json=contract, headers=feed_110108)
    assert answer.status_code == 201, answer.text
    bureau.blacklist(school)
    caught_up(bureau)

    shown = {
        "results": page(client, "/", q=""),
        "page": page(client, f"/institutions/{school}"),
        "csv": client.get("/v1/public/institutions.csv").content.decode("utf-8-sig"),
        "jsonl": client.get("/v1/public/institutions.jsonl").text,
    }

    assert all("北京思远教育科技有限公司" in body for body in shown.values())
    for where, body in shown.items():
        for secret in (*PERSONAL, CERTIFICATE_NO, "欧阳老师"):
            assert secret not in body, (where, secret)
