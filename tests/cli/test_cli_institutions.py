"""``registry institutions``: the operator reads an institution's record and its audit trail."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

import pytest

from cli.common import OPERATOR
from registry.domain.commands.institutions import FileStaffMember, RegisterInstitution
from registry.domain.uscc import check_character

if TYPE_CHECKING:
    from conftest import CommandLine

CODE = "91110108MA01C8PX3" + check_character("91110108MA01C8PX3")
ARTS_SCHOOL = RegisterInstitution(
    name="北京市海淀区七彩虹艺术培训学校有限公司",
    credit_code=CODE,
    district_code="110108",
    address="北京市海淀区中关村大街27号中关村大厦3层",
    category="non_academic",
    subjects=["美术", "书法"],
    delivery="offline",
    legal_form="company",
    legal_representative="李秀英",
    icp_number=None,
)


@pytest.fixture
def school(cli: CommandLine) -> UUID:
    return cli.services().registry.execute(OPERATOR, ARTS_SCHOOL).id


def test_show_prints_the_regulator_view_as_json_with_chinese_unescaped(
    cli: CommandLine, school: UUID
) -> None:
    result = cli("institutions", "show", str(school))

    assert result.exit_code == 0, result.output
    view = json.loads(result.stdout)
    assert view["id"] == str(school)
    assert view["status"] == "registered"
    assert "七彩虹艺术培训学校" in result.stdout


def test_an_institution_can_be_named_by_its_credit_code(cli: CommandLine, school: UUID) -> None:
    result = cli("institutions", "show", CODE.lower())

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == str(school)


def test_showing_an_unknown_institution_is_refused_in_one_line(cli: CommandLine) -> None:
    unknown = uuid4()

    message = cli.refused(cli("institutions", "show", str(unknown)))

    assert str(unknown) in message


@pytest.mark.parametrize("given", ["123", "91110108MA01C8PX3Z"])
def test_an_id_that_is_neither_a_uuid_nor_a_valid_credit_code_is_a_usage_error(
    cli: CommandLine, given: str
) -> None:
    result = cli("institutions", "show", given)

    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_a_malformed_as_of_date_is_a_usage_error_naming_the_format(
    cli: CommandLine, school: UUID
) -> None:
    result = cli("institutions", "show", str(school), "--as-of", "2025-02-30")

    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_events_prints_one_line_per_event_with_the_command_line_operator_as_actor(
    cli: CommandLine, school: UUID
) -> None:
    cli.services().registry.execute(
        OPERATOR,
        FileStaffMember(
            institution_id=school,
            name="王芳",
            role="美术教师",
            qualification="teacher_certificate",
            certificate_no="20191100142000123",
            serving_school_teacher=False,
        ),
    )

    result = cli("institutions", "events", str(school))

    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert [line.split()[2] for line in lines] == ["InstitutionRegistered", "StaffMemberFiled"]
    assert [line.split()[1] for line in lines] == ["v1", "v2"]
    assert all("cli-operator/admin" in line for line in lines)
    assert '"name":"王芳"' in lines[1]
