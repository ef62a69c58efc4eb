"""What the public page calls things: each label in Chinese with its English alongside.

A label is a ``(zh, en)`` pair; the templates show both. Only published facts of the register
are labelled here: statuses, categories, supervision, penalties and the warnings a parent must
see before paying.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from registry.casefile.labels import PENALTY_KIND
from registry.domain.districts import KNOWN_DISTRICTS

Label = tuple[str, str]

LEGITIMATE: Label = ("合法机构", "Legitimate")
NOT_LEGITIMATE: Label = ("非合法", "Not legitimate")
BLACKLISTED: Label = ("已列入黑名单", "Blacklisted")
EXPIRED: Label = ("已过期", "Expired")

STATUS: dict[str, Label] = {
    "registered": ("已登记，未取得办学许可", "Registered, not licensed"),
    "licensed": ("持有办学许可", "Licensed"),
    "suspended": ("已暂停招生", "Enrolment suspended"),
    "converting": ("营转非进行中", "Converting to non-profit"),
    "converted": ("已完成营转非", "Converted to non-profit"),
    "revoked": ("已吊销", "Licence revoked"),
    "ceased": ("已停止经营", "Ceased operating"),
    "deregistered": ("已注销", "Deregistered"),
}

CATEGORY: dict[str, Label] = {
    "academic": ("学科类", "Academic subjects"),
    "non_academic": ("非学科类", "Non-academic"),
}

DELIVERY: dict[str, Label] = {"offline": ("线下", "In person"), "online": ("线上", "Online")}

SUPERVISION: dict[str, Label] = {
    "bank_custody": ("银行托管", "Bank custody"),
    "risk_reserve": ("风险保证金", "Risk reserve"),
}
NO_SUPERVISION: Label = ("未落实资金监管", "No fund supervision")

PENALTY_KIND_EN = {
    "warning": "Warning",
    "circulated_criticism": "Public criticism",
    "fine": "Fine",
    "confiscation_of_illegal_gains": "Confiscation of illegal gains",
    "confiscation_of_illegal_property": "Confiscation of illegal property",
    "stop_enrolment": "Ordered to stop enrolment",
    "stop_operation": "Ordered to stop operating",
    "licence_revocation": "Licence revoked",
    "practice_restriction": "Barred from the trade",
}

# Why an institution is not legitimate when no warning below already says so.
NOT_LICENSED: Label = ("尚未取得办学许可", "Not licensed yet")
UNSUPERVISED: Label = (
    "预收费尚未纳入资金监管",
    "Prepaid fees are not under fund supervision",
)


@dataclass(frozen=True)
class Warning:
    """A prominent warning: what happened (a status label), and what a parent should do."""

    title: Label
    advice: Label


# The institution must not take pupils or fees.
WARNINGS: dict[str, Warning] = {
    "suspended": Warning(
        STATUS["suspended"],
        (
            "主管部门已责令该机构暂停招生：请勿报名或缴费。",
            "The education bureau has suspended its enrolment: do not enrol or pay.",
        ),
    ),
    "revoked": Warning(
        STATUS["revoked"],
        (
            "该机构的办学许可证已被吊销，不得开展培训：请勿报名或缴费。",
            "Its licence has been revoked and it may not train: do not enrol or pay.",
        ),
    ),
    "ceased": Warning(
        STATUS["ceased"],
        (
            "该机构已停止经营。如有未退费用，请联系所在区教育部门。",
            "It has stopped operating. If you are owed a refund, contact the district "
            "education bureau.",
        ),
    ),
    "deregistered": Warning(
        STATUS["deregistered"],
        ("该机构已注销，不得开展培训。", "It has been deregistered and may not train."),
    ),
}
BLACKLIST_WARNING = Warning(
    BLACKLISTED,
    (
        "该机构因严重违规被列入黑名单：请勿报名或缴费。",
        "It is blacklisted for serious violations: do not enrol or pay.",
    ),
)
NOTICES: dict[str, Label] = {
    "converting": (
        "该机构正在转为非营利性机构（营转非），期间不得招生收费。",
        "This institution is converting to non-profit; it may not enrol or take fees meanwhile.",
    ),
    "converted": (
        "该机构已完成营转非，由新登记的非营利性机构承接。",
        "This institution has converted; a newly registered non-profit has taken over.",
    ),
}


def district(code: str) -> str:
    """``110108`` → ``北京市海淀区``; an unnamed code stands for itself."""
    return KNOWN_DISTRICTS.get(code, code)


def penalty_kind(kind: str) -> Label:
    return (PENALTY_KIND.get(kind, kind), PENALTY_KIND_EN.get(kind, kind))


def yuan(fen: int) -> str:
    """4_320_00 → ``¥4,320.00``."""
    return f"¥{fen // 100:,}.{fen % 100:02d}"


@dataclass(frozen=True)
class Standing:
    """What a parent must be told about an institution, in the order to tell it."""

    legitimate: bool
    warnings: list[Warning]
    reasons: list[Label]

    @property
    def badge(self) -> Label:
        return LEGITIMATE if self.legitimate else NOT_LEGITIMATE


def standing(item: dict[str, Any], blacklisting: dict[str, Any] | None) -> Standing:
    """Warnings for a suspended, revoked, ceased, deregistered or blacklisted institution;
    milder reasons for any other one that is not legitimate."""
    status = item["status"]
    warnings = [WARNINGS[status]] if status in WARNINGS else []
    if blacklisting is not None:
        warnings.append(BLACKLIST_WARNING)
    reasons: list[Label] = []
    if not item["legitimate"] and not warnings:
        if status in NOTICES:
            reasons.append(NOTICES[status])
        elif status == "registered":
            reasons.append(NOT_LICENSED)
        if status == "licensed" and item["supervision_mode"] is None:
            reasons.append(UNSUPERVISED)
    return Standing(item["legitimate"], warnings, reasons)


def licence_expired(item: dict[str, Any], today: date) -> bool:
    valid_to = item["licence_valid_to"]
    return bool(valid_to) and date.fromisoformat(valid_to) < today
