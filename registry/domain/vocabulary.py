"""The closed lists of the register: statuses and the values a command may choose from.

Commands, aggregates and API schemas all name these, so a value is spelled in one place. The
statuses are enumerations (their members compare equal to the strings stored before they
existed); the other lists are ``Literal`` types, which the API publishes as enumerations.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal


class InstitutionStatus(StrEnum):
    """Where an institution stands in its regulatory life (docs/domain.md §1)."""

    REGISTERED = "registered"
    LICENSED = "licensed"
    SUSPENDED = "suspended"
    CONVERTING = "converting"
    CONVERTED = "converted"
    REVOKED = "revoked"
    CEASED = "ceased"
    DEREGISTERED = "deregistered"


# A licensed institution whose enrolment may be suspended, or is: it still teaches.
OPERATING = frozenset({InstitutionStatus.LICENSED, InstitutionStatus.SUSPENDED})


class ContractStatus(StrEnum):
    """Where a prepaid training contract stands."""

    SIGNED = "signed"
    ACTIVE = "active"
    FROZEN = "frozen"
    TERMINATED = "terminated"
    COMPLETED = "completed"


class CaseStatus(StrEnum):
    """Where a refund dispute stands, from complaint to closure."""

    OPENED = "opened"
    ASSESSED = "assessed"
    SETTLED = "settled"
    MEDIATION_FAILED = "mediation_failed"
    REFERRED_TO_COURT = "referred_to_court"
    JUDGED = "judged"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


# Who did something: the principal's id, role and districts, as stored on every event.
Actor = dict[str, Any]

Category = Literal["academic", "non_academic"]
Delivery = Literal["offline", "online"]
LegalForm = Literal["company", "non_profit"]
SupervisionMode = Literal["bank_custody", "risk_reserve"]
InspectionKind = Literal["routine", "random", "complaint", "special", "fund_audit"]
InspectionResult = Literal["pass", "rectify", "fail"]
Severity = Literal["minor", "major", "critical"]
VerificationOutcome = Literal["completed", "failed"]
CessationKind = Literal["voluntary", "abnormal"]
PenaltyKind = Literal[
    "warning",
    "circulated_criticism",
    "fine",
    "confiscation_of_illegal_gains",
    "confiscation_of_illegal_property",
    "stop_enrolment",
    "stop_operation",
    "licence_revocation",
    "practice_restriction",
]
TerminatedBy = Literal["guardian", "institution", "regulator"]
Method = Literal["pooled", "paid_first"]
CaseSource = Literal["complaint", "bureau", "court_referral"]
EvidenceKind = Literal["contract", "payment", "consumption", "communication", "regulatory", "other"]
MediationOutcome = Literal["agreed", "failed"]
RefundSource = Literal["supervised_account", "institution", "risk_reserve", "other"]
ClosureOutcome = Literal["paid", "partial", "uncollectible"]


# Subjects of compulsory-education academic training (学科类): 道德与法治, 语文, 历史, 地理,
# 数学, 外语 (英语, 日语, 俄语), 物理, 化学, 生物 (双减 opinion 2021-07-24 and the ministry's
# 2021-07 notice on the subject scope). They are not taught under ``non_academic``.
ACADEMIC_SUBJECTS = frozenset(
    {
        "道德与法治",
        "思想品德",
        "思想政治",
        "政治",
        "语文",
        "历史",
        "地理",
        "数学",
        "外语",
        "英语",
        "日语",
        "俄语",
        "物理",
        "化学",
        "生物",
    }
)
