"""A bureau brings its existing register in from a spreadsheet: checked, idempotent, resumable."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select

from registry.domain.clock import today
from registry.domain.institution import Institution
from registry.domain.uscc import check_character
from tests.builders.principals import ADMIN
from tests.cli.conftest import CommandLine

HEADER = [
    "credit_code",
    "name",
    "district_code",
    "address",
    "category",
    "subjects",
    "delivery",
    "legal_form",
    "legal_representative",
    "licence_no",
    "approving_authority",
    "licence_valid_from",
    "licence_valid_to",
    "supervision_mode",
    "supervision_bank",
    "supervision_account_no",
    "supervision_agreement_no",
]


def code(n: int) -> str:
    first17 = f"9111010{n:010d}"
    return first17 + check_character(first17)


def row(n: int) -> list[str]:
    licensed = n % 3 != 0
    return [
        code(n),
        f"北京第{n}号艺术培训有限公司",
        "110108",
        f"北京市海淀区学院路{n}号",
        "non_academic",
        "美术；书法",
        "offline",
        "company",
        "王某",
        *(
            [f"教民1101087{n:07d}号", "北京市海淀区教育委员会", "2024-09-01", "2027-08-31"]
            if licensed
            else ["", "", "", ""]
        ),
        *(
            ["bank_custody", "中国工商银行北京海淀支行", f"02000{n:014d}", f"JG-{n}"]
            if licensed
            else ["", "", "", ""]
        ),
    ]


def register_file(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return path


def institutions(cli: CommandLine) -> int:
    from registry.projections.regulator_list import listed

    services = cli.services()
    services.projector.run_once()
    with services.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(listed)).scalar_one())


def test_a_thousand_rows_with_three_bad_ones_import_997_and_name_the_bad_lines(
    cli: CommandLine, tmp_path: Path
) -> None:
    rows = [row(n) for n in range(1, 1001)]
    rows[9][0] = rows[9][0][:-1] + ("0" if rows[9][0][-1] != "0" else "1")  # line 11
    rows[499][12] = "2027-02-30"  # line 501: no such day
    rows[899][4] = "tutoring"  # line 901: not a category
    path = register_file(tmp_path / "register.csv", rows)

    first = cli("import", "institutions", str(path))
    assert first.exit_code == 1, first.output
    assert "added 997" in first.stdout and "refused 3" in first.stdout
    assert "line 11: rule institution.uscc_check" in first.stdout
    assert "line 501, column licence_valid_to: '2027-02-30' is not a date" in first.stdout
    assert "line 901, column category: 'tutoring' is not one of" in first.stdout
    assert institutions(cli) == 997

    again = cli("import", "institutions", str(path))
    assert "added 0, completed 0, already present 997, refused 3" in again.stdout, again.output
    assert institutions(cli) == 997


def test_a_dry_run_reports_and_writes_nothing(cli: CommandLine, tmp_path: Path) -> None:
    path = register_file(tmp_path / "register.csv", [row(n) for n in range(1, 21)])
    result = cli("import", "institutions", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would add 20" in result.stdout and "nothing written" in result.stdout
    assert institutions(cli) == 0


def test_an_interrupted_import_resumes_where_it_stopped(cli: CommandLine, tmp_path: Path) -> None:
    rows = [row(n) for n in range(1, 31)]
    cli("import", "institutions", str(register_file(tmp_path / "first.csv", rows[:12])))
    result = cli("import", "institutions", str(register_file(tmp_path / "all.csv", rows)))
    assert result.exit_code == 0, result.output
    assert "added 18, completed 0, already present 12" in result.stdout
    assert institutions(cli) == 30
    listed = cli("institutions", "list", "--district", "110108", "--status", "licensed")
    assert listed.stdout.strip().endswith("20 institutions"), listed.output


def test_a_row_that_gained_a_licence_since_is_completed(cli: CommandLine, tmp_path: Path) -> None:
    unlicensed = row(3)  # n % 3 == 0: no licence, no supervision
    cli("import", "institutions", str(register_file(tmp_path / "before.csv", [unlicensed])))
    # Entered today without a licence, it was licensed since: from today, not before its entry.
    licensed = unlicensed[:9] + row(4)[9:]
    licensed[11] = today().isoformat()
    result = cli("import", "institutions", str(register_file(tmp_path / "after.csv", [licensed])))
    assert "added 0, completed 1" in result.stdout, result.output


def test_a_licence_that_would_start_before_the_entry_in_the_register_is_refused(
    cli: CommandLine, tmp_path: Path
) -> None:
    unlicensed = row(3)
    cli("import", "institutions", str(register_file(tmp_path / "before.csv", [unlicensed])))
    licensed = unlicensed[:9] + row(4)[9:]
    result = cli("import", "institutions", str(register_file(tmp_path / "after.csv", [licensed])))
    assert "refused 1" in result.stdout and "decision.date_order" in result.stdout


def test_a_gbk_export_with_chinese_titles_and_an_xlsx_workbook_are_read(
    cli: CommandLine, tmp_path: Path
) -> None:
    titles = [
        "统一社会信用代码",
        "机构名称",
        "行政区划代码",
        "地址",
        "类别",
        "培训科目",
        "培训形式",
    ]
    titles += ["法人类型", "法定代表人"]
    gbk = tmp_path / "register-gbk.csv"
    with gbk.open("w", encoding="gbk", newline="") as f:
        csv.writer(f).writerows([titles, row(3)[:9]])
    assert "added 1" in cli("import", "institutions", str(gbk)).stdout

    book = Workbook()
    sheet: Any = book.active
    sheet.append(HEADER)
    sheet.append(row(5))
    book.save(tmp_path / "register.xlsx")
    assert "added 1" in cli("import", "institutions", str(tmp_path / "register.xlsx")).stdout
    assert institutions(cli) == 2


def test_a_file_without_the_needed_columns_is_refused_in_one_line(
    cli: CommandLine, tmp_path: Path
) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("name,address\n思远,北京\n", encoding="utf-8")
    assert "lacks the columns credit_code" in cli.refused(cli("import", "institutions", str(path)))


# -- effective dates: registered_on and established_on -----------------------------------------

DATED_HEADER = [*HEADER, "registered_on", "established_on"]


def dated_file(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([DATED_HEADER, *rows])
    return path


def test_registered_on_and_established_on_columns_date_the_entry_and_the_supervision(
    cli: CommandLine, tmp_path: Path
) -> None:
    path = dated_file(tmp_path / "dated.csv", [[*row(1), "2019-06-01", "2024-10-08"]])

    result = cli("import", "institutions", str(path))

    assert result.exit_code == 0, result.output
    view = cli.services().registry.institution(ADMIN, Institution.create_id(code(1)))
    assert view["registered_on"] == "2019-06-01"
    assert view["supervision"]["established_on"] == "2024-10-08"
    before = cli.services().registry.institution(
        ADMIN, Institution.create_id(code(1)), as_of=date(2024, 10, 7)
    )
    assert (before["status"], before["supervision"]) == ("licensed", None)


def test_registered_on_and_established_on_that_cannot_be_are_named_with_their_line(
    cli: CommandLine, tmp_path: Path
) -> None:
    rows = [
        [*row(1), "2019-13-01", ""],  # line 2: no such month
        [*row(2), "1980-01-01", ""],  # line 3: before the earliest effective date
        [*row(4), "2025-01-01", ""],  # line 4: after the licence's first day
        [*row(5), "2019-06-01", "2018-01-01"],  # line 5: supervision before the registration
        [*row(6), "", "2024-10-08"],  # line 6: a date for a supervision the row does not give
        [*row(7), "2019-06-01", ""],  # line 7: good
    ]
    path = dated_file(tmp_path / "dated.csv", rows)

    result = cli("import", "institutions", str(path))

    assert result.exit_code == 1, result.output
    assert "added 1" in result.stdout and "refused 5" in result.stdout
    out = result.stdout
    assert "line 2, column registered_on: '2019-13-01' is not a date" in out
    assert "line 3, column registered_on: rule decision.date_bounds" in out
    assert "line 4, column registered_on: rule decision.date_order" in out
    assert "line 5, column established_on: rule decision.date_order" in out
    assert "line 6, column established_on: is given, but the row gives no fund supervision" in out
