"""One example per request body, shown in the OpenAPI document (and in "Try it out").

A test validates every example against its body, so an example never drifts from the schema.
Names, phone numbers and references are made up: no real person appears here.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from api.schemas import contracts as c
from api.schemas import feed_batches as f
from api.schemas import institutions as i
from api.schemas import refund_cases as r
from api.schemas.calendars import CalendarFileBody
from api.schemas.common import Body
from api.schemas.keys import KeyCreate

INSTITUTION = "7c1f5b1e-2f4a-5d7e-9a41-3f1c2b8d6e01"
CONTRACT = "0e3d2c1b-4a59-4b6c-8d7e-9f0a1b2c3d4e"

EXAMPLES: dict[type[Body], dict[str, Any]] = {
    i.InstitutionCreate: {
        "name": "北京思远教育科技有限公司",
        "credit_code": "91110108551385082Q",
        "district_code": "110108",
        "address": "北京市海淀区中关村大街1号",
        "category": "non_academic",
        "subjects": ["美术", "书法"],
        "delivery": "offline",
        "legal_form": "company",
        "legal_representative": "王某",
        "registered_on": "2025-02-10",
    },
    i.LicenceIssue: {
        "licence_no": "教民111010870000123号",
        "approving_authority": "北京市海淀区教育委员会",
        "valid_from": "2025-03-01",
        "valid_to": "2028-02-29",
    },
    i.LicenceRenewal: {"valid_to": "2031-02-28", "renewed_on": "2028-02-01"},
    i.SupervisionEstablish: {
        "mode": "bank_custody",
        "bank": "中国工商银行北京海淀支行",
        "account_no": "0200000000000000001",
        "agreement_no": "JG-2025-0042",
        "established_on": "2025-03-01",
    },
    i.SupervisionEnd: {"reason": "托管协议到期未续签", "ended_on": "2026-06-30"},
    i.Annulment: {
        "position": 1042,
        "decision_no": "京海复〔2026〕8号",
        "reason": "行政复议决定撤销原停止招生决定",
        "annulled_on": "2026-10-09",
    },
    i.StaffFiling: {
        "name": "李某",
        "role": "teacher",
        "qualification": "teacher_certificate",
        "certificate_no": "20251100000000",
        "serving_school_teacher": False,
    },
    i.InspectionRecord: {
        "inspected_on": "2025-04-10",
        "kind": "routine",
        "inspectors": ["赵某", "钱某"],
        "findings": [
            {"code": "F-01", "description": "收费公示不全", "severity": "minor"},
        ],
        "result": "rectify",
    },
    i.RectificationOrder: {
        "inspection_id": "insp-1",
        "items": ["在显著位置公示收费项目和标准"],
        "issued_on": "2025-04-11",
        "deadline": "2025-05-11",
    },
    i.RectificationVerification: {"verified_on": "2025-05-10", "outcome": "completed"},
    i.SuspensionOrder: {
        "decision_no": "海教停字〔2025〕3号",
        "reason": "未按期整改",
        "effective_from": "2025-05-12",
    },
    i.SuspensionLift: {"decision_no": "海教复字〔2025〕1号", "lifted_on": "2025-06-01"},
    i.PenaltyDecision: {
        "decision_no": "海教罚字〔2025〕7号",
        "kinds": ["warning", "fine"],
        "fine_fen": 500000,
        "illegal_gains_fen": 0,
        "decided_on": "2025-05-20",
    },
    i.Revocation: {
        "decision_no": "海教吊字〔2025〕2号",
        "reason": "情节严重",
        "notice_served_on": "2025-06-01",
        "effective_on": "2025-06-20",
    },
    i.ConversionStart: {"started_on": "2025-03-01", "planned_successor_name": "北京启明培训学校"},
    i.ConversionCompletion: {"successor_id": INSTITUTION, "completed_on": "2025-09-01"},
    i.ConversionAbandonment: {"abandoned_on": "2025-06-30", "reason": "举办者决定停止办学转设"},
    i.Cessation: {"kind": "voluntary", "ceased_on": "2025-12-31", "reason": "经营期满"},
    i.Blacklisting: {
        "reasons": ["卷款跑路"],
        "decision_no": "海教黑字〔2025〕1号",
        "listed_on": "2025-07-01",
    },
    i.BlacklistRemoval: {"decision_no": "海教黑字〔2026〕1号", "removed_on": "2026-07-01"},
    i.Deregistration: {"deregistered_on": "2026-01-15", "reason": "已停止办学并清算完毕"},
    c.ContractCreate: {
        "institution_id": INSTITUTION,
        "pupil_ref": "P-2025-0001",
        "guardian_name": "张某",
        "guardian_phone": "13800000000",
        "course": "少儿美术 48课时",
        "paid_lessons": 48,
        "gift_lessons": 0,
        "price_per_lesson_fen": 15000,
        "start_date": "2025-03-01",
        "end_date": "2025-12-31",
    },
    c.PaymentReport: {
        "amount_fen": 720000,
        "paid_at": "2025-03-01T10:00:00+08:00",
        "channel": "bank_transfer",
        "into_supervised_account": True,
        "lessons_covered": 48,
    },
    c.ConsumptionReport: {
        "lessons": 1,
        "starts_at": "2025-03-08T09:00:00+08:00",
        "ends_at": "2025-03-08T10:30:00+08:00",
        "delivery": "offline",
    },
    c.ReleaseReport: {"amount_fen": 15000},
    c.RefundReport: {"amount_fen": 300000, "paid_at": "2025-06-01T15:00:00+08:00"},
    c.ContractTermination: {
        "by": "guardian",
        "reason": "家庭搬迁",
        "terminated_on": "2025-05-31",
    },
    c.ContractCompletion: {"completed_on": "2025-12-31"},
    c.ContractTransfer: {"successor_id": INSTITUTION, "transferred_on": "2025-09-01"},
    r.RefundCaseCreate: {
        "institution_id": INSTITUTION,
        "contract_ids": [CONTRACT],
        "claimant_name": "张某",
        "claimant_phone": "13800000000",
        "source": "complaint",
        "claim_fen": 420000,
    },
    r.EvidenceAttach: {
        "kind": "contract",
        "description": "培训合同扫描件",
        "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    },
    r.AssessmentRequest: {"method": "pooled", "irreversible_costs_fen": 0},
    r.MediationRecord: {"outcome": "agreed", "agreed_fen": 400000, "held_on": "2025-07-01"},
    r.CourtReferral: {"court": "北京市海淀区人民法院", "referred_on": "2025-07-15"},
    r.JudgmentRecord: {
        "court_case_no": "(2025)京0108民初1234号",
        "awarded_fen": 410000,
        "judged_on": "2025-10-20",
    },
    r.RefundPayment: {"amount_fen": 410000, "paid_on": "2025-11-01", "source": "institution"},
    r.CaseClosure: {"outcome": "paid"},
    r.CaseWithdrawal: {"reason": "双方已自行和解"},
}


# Bodies that are no command of the registry.
OTHER_EXAMPLES: dict[type[BaseModel], dict[str, Any]] = {
    KeyCreate: {
        "role": "regulator",
        "districts": ["110108"],
        "name": "北京市海淀区教育委员会 监管科",
        "expires_in_days": 90,
    },
    CalendarFileBody: {
        "format": "registry.school-calendars/1",
        "vacations": [
            {
                "province": "44",
                "year": 2026,
                "provenance": "published",
                "source": "广东省教育厅 2025—2026学年中小学校历",
                "periods": [
                    {"kind": "winter", "start": "2026-01-31", "end": "2026-03-01"},
                    {"kind": "summer", "start": "2026-07-04", "end": "2026-08-31"},
                ],
            }
        ],
    },
    f.FeedBatch: {
        "batch_id": "icbc-hd-2025-03-08-0001",
        "facts": [
            {"kind": "payment", "contract_id": CONTRACT, **EXAMPLES[c.PaymentReport]},
            {"kind": "consumption", "contract_id": CONTRACT, **EXAMPLES[c.ConsumptionReport]},
            {"kind": "release", "contract_id": CONTRACT, **EXAMPLES[c.ReleaseReport]},
        ],
    },
}


def example_of(schema_name: str) -> dict[str, Any] | None:
    """The example of the body whose OpenAPI component is ``schema_name``."""
    bodies: list[tuple[type[BaseModel], dict[str, Any]]] = [
        *EXAMPLES.items(),
        *OTHER_EXAMPLES.items(),
    ]
    for body, example in bodies:
        if body.__name__ == schema_name:
            return example
    return None
