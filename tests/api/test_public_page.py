"""The public page, as a parent meets it: a search of the register and each institution's page.

A parent searches the register at ``/`` and opens an institution's page: legitimacy, licence,
supervision, dated history, penalties, and a warning when it must not take fees. In Chinese,
English alongside; nothing fetched from elsewhere. SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.builders.answers import html_page
from tests.builders.bureau import Bureau
from tests.builders.codes import XUHUI_CODE

Headers = dict[str, str]


def cards(html: str) -> dict[str, str]:
    """The search results of a page: each card's HTML by the institution's name."""
    found = re.findall(r'<li class="card[^"]*">(.*?)</li>\s*(?=<li class="card|</ol>)', html, re.S)
    return {re.search(r"<h3><a [^>]*>(.*?)</a></h3>", c).group(1): c for c in found}  # type: ignore[union-attr]


def text(html: str) -> str:
    """The page's words, tags dropped and spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


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
    html = html_page(client, "/")

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
    html = html_page(client, "/")

    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    assert "<script" not in html
    css = client.get("/static/site.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "@import" not in css.text and "url(" not in css.text


def test_a_search_by_part_of_a_name_shows_legitimacy_licence_and_supervision(
    bureau: Bureau, client: TestClient
) -> None:
    bureau.legitimate()
    bureau.caught_up()

    found = cards(html_page(client, "/", q="思远"))

    card = text(found["北京思远教育科技有限公司"])
    assert "合法机构 Legitimate" in card
    assert "教民111010870001234号" in card and "有效期至 valid to 2027-08-31" in card
    assert "银行托管 Bank custody" in card and "中国工商银行北京海淀支行" in card
    assert "北京市海淀区" in card and "非学科类" in card


def test_a_search_finds_institutions_that_are_not_legitimate_and_says_so(
    bureau: Bureau, client: TestClient, suspended_school: str
) -> None:
    bureau.licensed(name="北京乐学美术培训有限公司", credit_code=bureau.new_credit_code())
    bureau.caught_up()

    found = cards(html_page(client, "/", q="北京"))

    suspended = text(found["北京思远教育科技有限公司"])
    assert "非合法 Not legitimate" in suspended and "已暂停招生 Enrolment suspended" in suspended
    assert f'href="/institutions/{suspended_school}"' in found["北京思远教育科技有限公司"]
    licensed = text(found["北京乐学美术培训有限公司"])
    assert "非合法 Not legitimate" in licensed and "未落实资金监管" in licensed


def test_a_search_filters_by_district_category_and_legitimacy(
    bureau: Bureau, xuhui_bureau: Bureau, client: TestClient
) -> None:
    bureau.legitimate()
    bureau.academic_company()  # licensed, no fund supervision: not legitimate
    xuhui_bureau.legitimate(
        name="上海徐汇舞蹈培训有限公司", credit_code=XUHUI_CODE, district_code="310104"
    )
    bureau.caught_up()

    by_district = cards(html_page(client, "/", q="", district="310104"))
    by_category = cards(html_page(client, "/", q="", category="academic"))
    everyone = cards(html_page(client, "/", q=""))
    legitimate = cards(html_page(client, "/", q="", legitimate_only="true"))

    assert set(by_district) == {"上海徐汇舞蹈培训有限公司"}
    assert set(by_category) == {"北京学霸教育科技有限公司"}
    assert len(everyone) == 3
    assert set(legitimate) == {"北京思远教育科技有限公司", "上海徐汇舞蹈培训有限公司"}


def test_a_search_that_finds_nothing_warns_not_to_pay_an_unregistered_institution(
    client: TestClient,
) -> None:
    html = text(html_page(client, "/", q="不存在的培训学校"))

    assert "没有找到符合条件的机构" in html and "do not pay" in html


def test_a_long_result_list_continues_on_a_next_page(bureau: Bureau, client: TestClient) -> None:
    for n in range(52):
        bureau.register(name=f"北京第{n:02d}美术培训有限公司", credit_code=bureau.new_credit_code())
    bureau.caught_up()

    first = html_page(client, "/", q="美术")
    link = re.search(r'<a href="([^"]+)" rel="next">', first)
    assert link is not None
    second = client.get(link.group(1).replace("&amp;", "&"))

    names = [*cards(first), *cards(second.text)]
    assert len(cards(first)) == 50
    assert sorted(names) == [f"北京第{n:02d}美术培训有限公司" for n in range(52)]


def test_a_suspended_institutions_page_warns_not_to_pay_and_dates_its_history(
    client: TestClient, suspended_school: str, bureau: Bureau
) -> None:
    bureau.caught_up()

    html = html_page(client, f"/institutions/{suspended_school}")

    warning = re.search(r'<section class="warning".*?</section>', html, re.S)
    assert warning is not None
    assert "已暂停招生" in warning.group(0) and "do not enrol or pay" in warning.group(0)
    history = text(re.search(r'<table class="history">.*?</table>', html, re.S).group(0))  # type: ignore[union-attr]
    # Each change by its effective day, then the day it was recorded when that differs.
    assert re.search(
        r"生效 2019-06-03 · 登记 \d{4}-\d\d-\d\d 已登记.*"
        r"生效 2024-09-01 · 登记 \d{4}-\d\d-\d\d 持有办学许可 Licensed.*"
        r"生效 2024-11-10 · 登记 \d{4}-\d\d-\d\d 已暂停招生 Enrolment suspended",
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
        "cease": lambda: bureau.cease(school),
        "blacklist": lambda: bureau.blacklist(school),
    }
    acts[act]()
    bureau.caught_up()

    html = html_page(client, f"/institutions/{school}")

    assert '<section class="warning"' in html
    assert label in text(html)
    assert "合法机构 Legitimate" not in text(html)


def test_a_blacklisted_institution_shows_its_reasons_in_results_and_on_its_page(
    bureau: Bureau, client: TestClient
) -> None:
    school = bureau.licensed()
    bureau.blacklist(school)
    bureau.caught_up()

    card = text(cards(html_page(client, "/", q="思远"))["北京思远教育科技有限公司"])
    html = text(html_page(client, f"/institutions/{school}"))

    assert "已列入黑名单 Blacklisted" in card and "卷款跑路" in card
    assert "海教黑字〔2024〕第003号" in html and "停业后拒不退还学员预收费，卷款跑路" in html


def test_published_penalties_are_listed_with_their_decision_and_amounts(
    bureau: Bureau, client: TestClient
) -> None:
    school = bureau.legitimate()
    bureau.penalise(school)
    bureau.caught_up()

    html = text(html_page(client, f"/institutions/{school}"))

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
