"""JSON request bodies, as a district bureau, a custody bank and a court send them to the API.

The bureau's institution is 北京思远教育科技有限公司, an arts school of 海淀区, licensed from
2024-09-01 to 2027-08-31 and under bank custody. The contract bodies are the worked example of
``contracts`` written as JSON (``as_json``). Tests vary a field with ``{**LICENCE, "...": ...}``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from registry.domain.clock import today
from tests.builders.codes import SIYUAN_CODE
from tests.builders.contracts import contract_terms, payment

TODAY = today()
IN_A_MONTH = TODAY + timedelta(days=30)


def as_json(value: Any) -> Any:
    """``value`` as a JSON body carries it: dates and times in ISO 8601, ids as text."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    return value


# -- the bureau's decisions about an institution ----------------------------------------------


def registration(**overrides: Any) -> dict[str, Any]:
    """A registration (登记) of an offline arts school of 海淀区, with ``overrides``."""
    return {
        "name": "北京思远教育科技有限公司",
        "credit_code": SIYUAN_CODE,
        "district_code": "110108",
        "address": "北京市海淀区中关村大街27号中关村大厦3层",
        "category": "non_academic",
        "subjects": ["美术", "书法"],
        "delivery": "offline",
        "legal_form": "company",
        "legal_representative": "李秀英",
        "registered_on": "2019-06-03",
        **overrides,
    }


LICENCE = {
    "licence_no": "教民111010870001234号",
    "approving_authority": "北京市海淀区教育委员会",
    "valid_from": "2024-09-01",
    "valid_to": "2027-08-31",
}

BANK_CUSTODY = {
    "mode": "bank_custody",
    "bank": "中国工商银行北京海淀支行",
    "account_no": "0200004509200123456",
    "agreement_no": "HDJW-ZJJG-2024-0187",
    "established_on": "2024-09-01",
}

STAFF_MEMBER = {
    "name": "王芳",
    "role": "美术教师",
    "qualification": "teacher_certificate",
    "certificate_no": "20191100142000123",
    "serving_school_teacher": False,
}

RECTIFY_INSPECTION = {
    "inspected_on": "2024-11-05",
    "kind": "routine",
    "inspectors": ["王强", "刘洋"],
    "findings": [
        {"code": "F-01", "description": "未在经营场所公示收费项目和标准", "severity": "minor"}
    ],
    "result": "rectify",
}


def rectification_order(
    inspection_id: str, issued_on: str = TODAY.isoformat(), deadline: str = IN_A_MONTH.isoformat()
) -> dict[str, Any]:
    return {
        "inspection_id": inspection_id,
        "items": ["在经营场所显著位置公示收费项目和标准"],
        "issued_on": issued_on,
        "deadline": deadline,
    }


def verification(outcome: str = "completed") -> dict[str, Any]:
    return {"verified_on": TODAY.isoformat(), "outcome": outcome}


SUSPENSION = {
    "decision_no": "海教罚决字〔2024〕第017号",
    "reason": "一次性收取超过三个月的培训费用且未纳入资金监管",
    "effective_from": "2024-11-10",
}

LIFTING = {"decision_no": "海教决字〔2025〕第021号", "lifted_on": TODAY.isoformat()}

PENALTY = {
    "decision_no": "海教罚决字〔2024〕第022号",
    "kinds": ["warning", "fine"],
    "fine_fen": 5_000_000,
    "illegal_gains_fen": 1_280_000,
    "decided_on": "2024-11-20",
}

REVOCATION = {
    "decision_no": "海教罚决字〔2024〕第031号",
    "reason": "擅自开展学科类培训，情节严重",
    "notice_served_on": "2024-12-01",
    "effective_on": "2024-12-16",
}

CONVERSION = {"started_on": "2021-09-01", "planned_successor_name": "北京市海淀区启明学科培训学校"}

ABANDONMENT = {"abandoned_on": "2021-12-20", "reason": "举办者决定停止转设，继续按原许可办学"}

ABNORMAL_CESSATION = {
    "kind": "abnormal",
    "ceased_on": "2025-01-15",
    "reason": "门店关闭，负责人失联",
}

BLACKLISTING = {
    "reasons": ["停业后拒不退还学员预收费，卷款跑路"],
    "decision_no": "海教黑字〔2024〕第003号",
}

BLACKLIST_REMOVAL = {"decision_no": "海教黑移字〔2025〕第001号"}

DEREGISTRATION = {"deregistered_on": "2025-01-20", "reason": "办学许可证已被吊销，依法注销"}


# -- the custody bank's reports on a contract, and a family's complaint -------------------------


def contract_body(institution_id: str, **overrides: Any) -> dict[str, Any]:
    """The worked example's contract (48 paid + 4 gift lessons at 90 yuan), as a bank reports it."""
    return {"institution_id": institution_id, **as_json(contract_terms()), **overrides}


# The whole fee, 4,320.00 yuan, paid into the supervised account in one charge.
PAYMENT: dict[str, Any] = as_json(payment())

TWENTY_LESSONS = {
    "lessons": 20,
    "starts_at": "2026-03-10T16:00:00+08:00",
    "ends_at": "2026-03-10T19:00:00+08:00",
    "delivery": "offline",
}


def complaint(institution_id: str, contract_ids: list[str], **overrides: Any) -> dict[str, Any]:
    """A guardian's complaint to the bureau, opening a refund case over ``contract_ids``."""
    return {
        "institution_id": institution_id,
        "contract_ids": contract_ids,
        "claimant_name": "王丽娟",
        "claimant_phone": "13911112222",
        "source": "complaint",
        "claim_fen": 300_000,
        **overrides,
    }
