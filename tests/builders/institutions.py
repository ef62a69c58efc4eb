"""The institutions of the domain and application tests, as the fields their commands take.

Each builder answers a plain dict, so the same values register an ``Institution`` aggregate
(``Institution.register(**arts_school(), actor=...)``) and make a typed command
(``RegisterInstitution(**arts_school())``). Dates are ``date`` values.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from tests.builders.codes import (
    ACADEMIC_COMPANY_CODE,
    ARTS_COMPANY_CODE,
    SUCCESSOR_CODE,
    XUHUI_SPORTS_CODE,
)


def arts_school(**overrides: Any) -> dict[str, Any]:
    """北京市海淀区七彩虹艺术培训学校有限公司: a for-profit, offline arts school (非学科类)."""
    return {
        "name": "北京市海淀区七彩虹艺术培训学校有限公司",
        "credit_code": ARTS_COMPANY_CODE,
        "district_code": "110108",
        "address": "北京市海淀区中关村大街27号中关村大厦3层",
        "category": "non_academic",
        "subjects": ["美术", "书法"],
        "delivery": "offline",
        "legal_form": "company",
        "legal_representative": "李秀英",
        "icp_number": None,
        "successor_of": None,
        "registered_on": date(2025, 2, 10),
        **overrides,
    }


def academic_company(**overrides: Any) -> dict[str, Any]:
    """北京智学优课教育科技有限公司: a for-profit academic (学科类) company of 海淀区."""
    return arts_school(
        **{
            "name": "北京智学优课教育科技有限公司",
            "credit_code": ACADEMIC_COMPANY_CODE,
            "category": "academic",
            "subjects": ["数学", "英语"],
            "legal_representative": "陈建国",
            "registered_on": date(2019, 8, 1),
            **overrides,
        }
    )


def successor_school(predecessor: UUID | None, **overrides: Any) -> dict[str, Any]:
    """北京市海淀区智学培训学校: the non-profit (USCC 52) school taking over a conversion."""
    return academic_company(
        **{
            "name": "北京市海淀区智学培训学校",
            "credit_code": SUCCESSOR_CODE,
            "legal_form": "non_profit",
            "successor_of": predecessor,
            "registered_on": date(2022, 2, 1),
            **overrides,
        }
    )


def xuhui_school(**overrides: Any) -> dict[str, Any]:
    """上海市徐汇区启航体育培训有限公司: a sports school of 徐汇区, Shanghai."""
    return arts_school(
        **{
            "name": "上海市徐汇区启航体育培训有限公司",
            "credit_code": XUHUI_SPORTS_CODE,
            "district_code": "310104",
            "address": "上海市徐汇区漕溪北路88号2楼",
            "subjects": ["篮球", "游泳"],
            "legal_representative": "周志强",
            **overrides,
        }
    )


def licence(**overrides: Any) -> dict[str, Any]:
    """The arts school's licence (办学许可证) from 海淀区教委: three years from 2025-03-01."""
    return {
        "licence_no": "教民111010870000123号",
        "approving_authority": "北京市海淀区教育委员会",
        "valid_from": date(2025, 3, 1),
        "valid_to": date(2028, 2, 29),
        **overrides,
    }


def academic_licence(**overrides: Any) -> dict[str, Any]:
    """The academic company's licence, granted in 2019, before 双减 (the double reduction)."""
    return licence(
        **{
            "licence_no": "教民111010870000045号",
            "valid_from": date(2019, 9, 1),
            "valid_to": date(2025, 8, 31),
            **overrides,
        }
    )


def successor_licence(**overrides: Any) -> dict[str, Any]:
    return licence(**{"licence_no": "教民111010870000588号", **overrides})


def bank_custody(**overrides: Any) -> dict[str, Any]:
    """Prepaid fees held by 中国工商银行北京海淀支行 (预收费银行托管)."""
    return {
        "mode": "bank_custody",
        "bank": "中国工商银行北京海淀支行",
        "account_no": "0200004509200123456",
        "agreement_no": "海教监〔2025〕017号",
        "reserve_fen": None,
        "established_on": date(2025, 3, 1),
        **overrides,
    }
