"""Rows of an existing register (CSV in UTF-8 or GBK, or XLSX) as checked import entries.

One row per institution, with a header row naming the columns (English names, or the Chinese
ones of ``ALIASES``). Every problem is reported with the row's line and the column at fault;
a row with a problem becomes no entry.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, get_args
from uuid import UUID

from registry.application.imports import ImportEntry
from registry.domain.clock import today
from registry.domain.commands.institutions import (
    EstablishFundSupervision,
    IssueLicence,
    RegisterInstitution,
)
from registry.domain.dating import check_bounds
from registry.domain.errors import RuleViolation
from registry.domain.vocabulary import Category, Delivery, LegalForm, SupervisionMode

REQUIRED = (
    "credit_code",
    "name",
    "district_code",
    "address",
    "category",
    "subjects",
    "delivery",
    "legal_form",
    "legal_representative",
)
LICENCE = ("licence_no", "approving_authority", "licence_valid_from", "licence_valid_to")
SUPERVISION = (
    "supervision_mode",
    "supervision_bank",
    "supervision_account_no",
    "supervision_agreement_no",
)
# Effective dates: the day the institution entered the register it comes from (default: the
# licence's first day if earlier than today, else today) and the day its fund supervision
# started (default: today).
DATED = ("registered_on", "established_on")
OPTIONAL = ("icp_number", "reserve_fen", *DATED)
COLUMNS = (*REQUIRED, *LICENCE, *SUPERVISION, *OPTIONAL)

# The column titles of the registers the bureaus keep, as exported to Excel.
ALIASES = {
    "统一社会信用代码": "credit_code",
    "机构名称": "name",
    "行政区划代码": "district_code",
    "地址": "address",
    "类别": "category",
    "培训科目": "subjects",
    "培训形式": "delivery",
    "法人类型": "legal_form",
    "法定代表人": "legal_representative",
    "办学许可证号": "licence_no",
    "审批机关": "approving_authority",
    "许可证起始日期": "licence_valid_from",
    "许可证截止日期": "licence_valid_to",
    "资金监管方式": "supervision_mode",
    "监管银行": "supervision_bank",
    "监管账号": "supervision_account_no",
    "监管协议编号": "supervision_agreement_no",
    "ICP备案号": "icp_number",
    "风险保证金(分)": "reserve_fen",
    "登记日期": "registered_on",
    "监管起始日期": "established_on",
}

SUBJECT_SEPARATORS = re.compile(r"[;；、,，|]")
# The institution id of a licence or supervision command is decided by the credit code.
UNSET = UUID(int=0)


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class FileProblem(ValueError):
    """The file as a whole cannot be read (format, encoding, header)."""


def _decode(raw: bytes, encoding: str) -> str:
    if encoding != "auto":
        return raw.decode(encoding)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")  # GBK and its superset, as Excel in China saves CSV


def read_table(path: Path, encoding: str = "auto") -> Iterator[tuple[int, list[Any]]]:
    """(line, cells) of every row of the file, the header first."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises many kinds for a file it cannot read
            raise FileProblem(f"{path} is not a readable XLSX file: {e}") from None
        try:
            sheet = book.worksheets[0]
            for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield line, list(cells)
        finally:
            book.close()
        return
    try:
        text = _decode(path.read_bytes(), encoding)
    except (UnicodeDecodeError, LookupError) as e:
        raise FileProblem(f"{path} is neither UTF-8 nor GBK text: {e}") from None
    for line, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        yield line, list(row)


def header_of(cells: list[Any]) -> list[str | None]:
    names: list[str | None] = []
    for cell in cells:
        title = str(cell or "").strip()
        name = ALIASES.get(title, title.lower())
        names.append(name if name in COLUMNS else None)
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise FileProblem(f"the header row lacks the columns {', '.join(missing)}")
    return names


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Row:
    """The cells of one row by column, collecting problems as they are read."""

    def __init__(self, line: int, values: dict[str, str]) -> None:
        self.line, self.values, self.problems = line, values, list[RowProblem]()

    def problem(self, column: str | None, message: str) -> None:
        self.problems.append(RowProblem(self.line, column, message))

    def text(self, column: str, max_length: int = 500) -> str:
        value = self.values.get(column, "")
        if not value:
            self.problem(column, "is empty")
        elif len(value) > max_length:
            self.problem(column, f"is longer than {max_length} characters")
        return value

    def choice(self, column: str, allowed: tuple[str, ...]) -> Any:
        value = self.values.get(column, "")
        if value not in allowed:
            self.problem(column, f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def day(self, column: str) -> date:
        value = self.values.get(column, "")
        try:
            return date.fromisoformat(value.replace("/", "-"))
        except ValueError:
            self.problem(column, f"{value!r} is not a date (YYYY-MM-DD)")
            return date.min

    def dated(self, column: str) -> date | None:
        """An optional effective date: None when empty; within the bounds every decision's
        date lies in (``decision.date_bounds``), else a problem."""
        if not self.values.get(column):
            return None
        day = self.day(column)
        if day == date.min:
            return None
        try:
            check_bounds(day, today(), column)
        except RuleViolation as e:
            self.problem(column, f"rule {e.rule}: {e.detail}")
            return None
        return day

    def given(self, columns: tuple[str, ...], what: str) -> bool:
        """Whether the row gives ``what`` (all its columns) or not (none); half is a problem."""
        filled = [c for c in columns if self.values.get(c)]
        if filled and len(filled) < len(columns):
            missing = [c for c in columns if c not in filled]
            self.problem(missing[0], f"is empty, but the row gives a {what}")
        return len(filled) == len(columns)


def _district(row: _Row) -> str:
    value = row.text("district_code", 6)
    if value and not re.fullmatch(r"\d{6}", value):
        row.problem("district_code", f"{value!r} is not a 6-digit district code")
    return value


def entry_of(
    line: int, names: list[str | None], cells: list[Any]
) -> ImportEntry | list[RowProblem]:
    """The import entry of one row, or the row's problems."""
    values = {n: _text(c) for n, c in zip(names, cells, strict=False) if n is not None}
    row = _Row(line, values)
    subjects = [
        s.strip() for s in SUBJECT_SEPARATORS.split(values.get("subjects", "")) if s.strip()
    ]
    if not subjects:
        row.problem("subjects", "names no subject")
    register = RegisterInstitution(
        credit_code=row.text("credit_code", 18).upper(),
        name=row.text("name"),
        district_code=_district(row),
        address=row.text("address"),
        category=row.choice("category", get_args(Category)),
        subjects=subjects,
        delivery=row.choice("delivery", get_args(Delivery)),
        legal_form=row.choice("legal_form", get_args(LegalForm)),
        legal_representative=row.text("legal_representative", 100),
        icp_number=values.get("icp_number") or None,
    )
    registered_on, established_on = row.dated("registered_on"), row.dated("established_on")
    licence = supervision = None
    if row.given(LICENCE, "licence"):
        licence = IssueLicence(
            institution_id=UNSET,
            licence_no=row.text("licence_no", 100),
            approving_authority=row.text("approving_authority"),
            valid_from=row.day("licence_valid_from"),
            valid_to=row.day("licence_valid_to"),
        )
    if row.given(SUPERVISION, "fund supervision"):
        reserve = values.get("reserve_fen") or None
        if reserve is not None and not reserve.isdigit():
            row.problem("reserve_fen", f"{reserve!r} is not a whole number of fen")
            reserve = None
        supervision = EstablishFundSupervision(
            institution_id=UNSET,
            mode=row.choice("supervision_mode", get_args(SupervisionMode)),
            bank=row.text("supervision_bank"),
            account_no=row.text("supervision_account_no", 40),
            agreement_no=row.text("supervision_agreement_no", 100),
            reserve_fen=int(reserve) if reserve is not None else None,
            established_on=established_on,
        )
        if licence is None:
            row.problem("licence_no", "fund supervision needs a licence in the same row")
    elif established_on is not None:
        row.problem("established_on", "is given, but the row gives no fund supervision")
    _check_order(row, registered_on, licence, established_on)
    if row.problems:
        return row.problems
    if registered_on is not None:
        register = replace(register, registered_on=registered_on)
    elif licence is not None and licence.valid_from < today():
        # The register it comes from knew the institution from its licence's first day.
        register = replace(register, registered_on=licence.valid_from)
    return ImportEntry(register, licence, supervision)


def _check_order(
    row: _Row, registered_on: date | None, licence: IssueLicence | None, established: date | None
) -> None:
    """Nothing of a row takes effect before its registration (``decision.date_order``)."""
    if registered_on is None:
        return
    if licence is not None and date.min < licence.valid_from < registered_on:
        row.problem(
            "registered_on",
            f"rule decision.date_order: {registered_on} is after the licence's first day "
            f"{licence.valid_from}",
        )
    if established is not None and established < registered_on:
        row.problem(
            "established_on",
            f"rule decision.date_order: {established} is before registered_on {registered_on}",
        )


def entries(
    path: Path, encoding: str = "auto"
) -> Iterator[tuple[int, ImportEntry | list[RowProblem]]]:
    """(line, entry or problems) of every data row; blank rows are skipped."""
    rows = read_table(path, encoding)
    first = next(rows, None)
    if first is None:
        raise FileProblem(f"{path} is empty")
    names = header_of(first[1])
    for line, cells in rows:
        if all(_text(c) == "" for c in cells):
            continue
        yield line, entry_of(line, names, cells)


Echo = Callable[[str], None]
