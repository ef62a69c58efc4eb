"""The open-data downloads, as a journalist meets them: the whole register as CSV or JSON Lines.

The CSV opens in Excel, Chinese included, and never runs a cell as a formula; each download says
which log position it reflects and is read from one snapshot. SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from registry.projections.queries import PUBLIC_FIELDS
from tests.builders.bureau import Bureau

BOM = b"\xef\xbb\xbf"


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def jsonl_lines(content: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in content.decode("utf-8").splitlines()]


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
    position = bureau.caught_up()

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
    bureau.caught_up()

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
    position = bureau.caught_up()

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
    position = bureau.caught_up()
    views = bureau.services.views

    snapshot = views.public_register_snapshot(chunk_size=3)
    bureau.register(name="北京后来培训有限公司", credit_code=bureau.new_credit_code())
    later = bureau.caught_up()
    chunks = list(snapshot.chunks())

    assert later > position == snapshot.position
    assert [len(chunk) for chunk in chunks] == [3, 1]
    assert {item["id"] for chunk in chunks for item in chunk} == set(register)
