"""The rule pack: every rule id and every number the registry judges by, versioned.

A breach or a refusal names the rule id and the version of the pack that judged it, so that a
change of numbers never rewrites what was decided under the old ones. Sources are in
docs/domain.md, which lists every rule with its id, numbers and source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from registry.domain.errors import RuleViolation

RULE_PACK_VERSION = "2025.1"


@dataclass(frozen=True)
class Rule:
    """A rule with a stable id, a one-line statement and whether it refuses or flags."""

    id: str
    statement: str
    refuses: bool = True


def refuse_unless(condition: bool, rule: Rule, detail: str) -> None:
    """Raise ``RuleViolation`` naming ``rule`` when ``condition`` does not hold."""
    if not condition:
        raise RuleViolation(rule.id, detail)


def require_positive(value: int, what: str) -> None:
    """Amounts and lesson counts are positive whole numbers (``amount.positive``)."""
    refuse_unless(value > 0, AMOUNT_POSITIVE, f"{what} must be positive, not {value}")


# Institution: regulator decisions, refused when a rule fails (docs/domain.md §4.1–4.5).
USCC_CHECK = Rule("institution.uscc_check", "The credit code passes the GB 32100-2015 check.")
USCC_UNIQUE = Rule("institution.uscc_unique", "A credit code is registered once.")
DISTRICT_CODE = Rule("institution.district_code", "The district is a 6-digit division code.")
ACADEMIC_NON_PROFIT = Rule(
    "institution.academic_non_profit",
    "Since 2021-07-24 an academic institution is licensed only as a non-profit (USCC 52).",
)
ACADEMIC_NEW_LICENCE = Rule(
    "institution.academic_no_new_licence",
    "New academic licences are issued only to conversion successors.",
)
ONLINE_ICP = Rule("institution.online_icp", "Online delivery needs an ICP filing number.")
LICENCE_VALIDITY = Rule("institution.licence_validity", "A licence ends after it begins.")
LICENCE_STATE = Rule(
    "institution.licence_state", "A licence is issued to a registered institution."
)
STAFF_QUALIFICATION = Rule(
    "staff.teacher_certificate", "Academic training staff hold a teacher qualification certificate."
)
STAFF_SERVING_TEACHER = Rule(
    "staff.serving_school_teacher", "Serving school teachers may not be filed as training staff."
)
SUPERVISION_LICENCE = Rule("supervision.licence_required", "Fund supervision needs a licence.")
SUPERVISION_RESERVE = Rule(
    "supervision.reserve_amount", "A risk reserve states a positive deposited amount."
)
INSPECTION_FINDINGS = Rule(
    "inspection.rectify_needs_finding", "An inspection that orders rectification has a finding."
)
RECTIFICATION_DEADLINE = Rule(
    "rectification.deadline_after_issue", "A rectification deadline falls after its issue date."
)
RECTIFICATION_INSPECTION = Rule(
    "rectification.inspection_known", "A rectification order refers to a recorded inspection."
)
RECTIFICATION_OPEN = Rule("rectification.order_open", "Only an open order can be verified.")
DECISION_DOCUMENT = Rule(
    "decision.document_number", "Suspension, penalty and revocation need a decision number."
)
SUSPENSION_STATE = Rule("suspension.state", "Only a licensed institution's enrolment is suspended.")
SUSPENSION_OVERDUE = Rule(
    "suspension.overdue_rectification",
    "A suspension is not lifted while a rectification order is open past its deadline.",
)
PENALTY_AMOUNTS = Rule("penalty.amounts", "Fines and illegal gains are whole fen, not negative.")
PENALTY_KIND = Rule("penalty.kind", "A penalty names at least one kind from the catalogue.")
PENALTY_STATUS_BY_OWN_COMMAND = Rule(
    "penalty.status_by_own_command",
    "A penalty naming stop_enrolment or licence_revocation follows the suspension or the "
    "revocation recorded by its own command.",
)
SUBJECT_CATEGORY = Rule(
    "institution.subject_category",
    "Academic subjects (语文, 数学, 英语, …) are not registered under non_academic.",
)
REVOCATION_NOTICE = Rule(
    "revocation.notice_before_effect", "Revocation takes effect on or after the notice was served."
)
REVOCATION_STATE = Rule("revocation.state", "Only a licensed or suspended licence is revoked.")
CONVERSION_ELIGIBLE = Rule(
    "conversion.eligible", "Conversion (营转非) is for a licensed for-profit academic institution."
)
CONVERSION_SUCCESSOR = Rule(
    "conversion.successor",
    "The successor is registered as a non-profit (USCC 52) and holds a licence.",
)
CONVERSION_SUPERVISION = Rule(
    "conversion.successor_supervision", "The successor has fund supervision in place."
)
CONVERSION_LIABILITIES = Rule(
    "conversion.open_liabilities",
    "Every open prepaid contract of the predecessor is refunded or transferred.",
)
CONVERSION_STATE = Rule(
    "conversion.state", "Only a converting institution completes or abandons conversion."
)
CESSATION_STATE = Rule(
    "cessation.state", "Only an operating (or revoked) institution ceases operations."
)
BLACKLIST_REASON = Rule("blacklist.reason", "Blacklisting gives at least one reason.")
BLACKLIST_STATE = Rule("blacklist.state", "An institution is blacklisted once at a time.")
DEREGISTRATION_STATE = Rule(
    "deregistration.state", "Only a revoked, ceased or converted institution is deregistered."
)
CLOSED_INSTITUTION = Rule(
    "institution.closed", "A deregistered institution takes no further regulatory acts."
)
SUPERVISION_STATE = Rule("supervision.state", "Only fund supervision in place can end.")

# Effective dates (docs/domain.md §3): decisions may be back-dated or dated ahead, within bounds
# and in order against the record.
DATE_BOUNDS = Rule(
    "decision.date_bounds",
    "An effective date falls between 2003-09-01 and 90 days after today.",
)
DATE_ORDER = Rule(
    "decision.date_order",
    "A decision takes effect on or after the registration and the decision it follows.",
)
ANNULMENT_TARGET = Rule(
    "annulment.target", "An annulment names a decision of this institution, other than the entry."
)
ANNULMENT_ONCE = Rule("annulment.once", "A decision is annulled once.")
ANNULMENT_LATEST_STATUS = Rule(
    "annulment.latest_status",
    "A status change is annulled only while no later status change rests on it.",
)


# Training contracts: what a feed or regulator reports. Impossible figures are refused; facts
# that already happened against the rules are recorded and flagged (docs/domain.md §1).
AMOUNT_POSITIVE = Rule("amount.positive", "Amounts and lesson counts are positive whole numbers.")
CONTRACT_INSTITUTION_KNOWN = Rule(
    "contract.institution_known", "A contract is signed with a registered institution."
)
CONTRACT_INSTITUTION_ACTIVE = Rule(
    "contract.institution_active", "A deregistered institution signs no contracts."
)
CONTRACT_TERMS = Rule(
    "contract.terms", "A contract sells at least one paid lesson and ends after it starts."
)
CONTRACT_CLOSED = Rule("contract.closed", "A completed or terminated contract takes no entries.")
LESSONS_WITHIN_PURCHASE = Rule(
    "lessons.within_purchase", "Consumed lessons never exceed paid plus gift lessons."
)
RELEASE_WITHIN_CONSUMED = Rule(
    "escrow.release_within_consumed",
    "Escrow released never exceeds the value of the lessons consumed.",
)
RELEASE_WITHIN_PAID = Rule(
    "escrow.release_within_paid", "Released plus refunded never exceeds what was paid."
)
RELEASE_BLOCKED = Rule(
    "escrow.release_blocked", "Nothing is released while the contract is frozen or disputed."
)
REFUND_WITHIN_UNCONSUMED = Rule(
    "refund.within_unconsumed", "A refund never exceeds the unconsumed amount."
)
# Flags: recorded as breaches on the fact that broke them.
PREPAID_MAX_MONTHS = Rule(
    "prepaid.max_months", "One charge covers at most 3 months.", refuses=False
)
PREPAID_ADVANCE_COLLECTION = Rule(
    "prepaid.advance_collection",
    "A charge is collected at the earliest 1 month before the period it pays for starts, "
    "or once at most 20 lessons paid for before remain.",
    refuses=False,
)
PREPAID_MAX_LESSONS = Rule(
    "prepaid.max_lessons",
    "One charge covers at most 60 lessons, counting still-unconsumed lessons of the course.",
    refuses=False,
)
PREPAID_MAX_AMOUNT = Rule(
    "prepaid.max_amount", "One charge is at most 5,000 yuan (500,000 fen).", refuses=False
)
PREPAID_SUPERVISED_ACCOUNT = Rule(
    "prepaid.supervised_account",
    "All prepaid fees go into the supervised account.",
    refuses=False,
)
PREPAID_INSTITUTION_OPERATING = Rule(
    "prepaid.institution_operating",
    "No fees are collected while the institution is suspended, converting, revoked or ceased.",
    refuses=False,
)
PREPAID_SUPERVISION_IN_PLACE = Rule(
    "prepaid.supervision_in_place",
    "No fees are collected by an institution without fund supervision.",
    refuses=False,
)
ENROLMENT_NOT_PERMITTED = Rule(
    "enrolment.not_permitted",
    "No contract is signed while enrolment is suspended, or the institution is revoked, "
    "ceased, converting, unlicensed or its licence expired.",
    refuses=False,
)
LICENCE_EXPIRED = Rule(
    "licence.expired",
    "No fees are collected and no contracts signed after the licence's last day without renewal.",
    refuses=False,
)
LESSONS_ACADEMIC_REST_DAY = Rule(
    "lessons.academic_rest_day",
    "No academic lessons on weekends, statutory holidays or school vacations.",
    refuses=False,
)
LESSONS_OFFLINE_END = Rule(
    "lessons.offline_latest_end", "Offline lessons end by 20:30.", refuses=False
)
LESSONS_ONLINE_END = Rule(
    "lessons.online_latest_end", "Online lessons end by 21:00.", refuses=False
)
LESSONS_ONLINE_LENGTH = Rule(
    "lessons.online_max_length", "An online lesson lasts at most 30 minutes.", refuses=False
)


# School calendars (registry/domain/calendar_stream.py): refused when a file is loaded.
CALENDAR_DATES = Rule(
    "calendar.dates",
    "Calendar dates are real days of the entry's year; periods do not end before they start "
    "or overlap; a make-up working day is a Saturday or Sunday outside the days off.",
)
CALENDAR_PROVINCE = Rule(
    "calendar.province",
    "School vacations are set for one of the 31 provincial-level divisions (GB/T 2260).",
)

# The registry's clock (registry/domain/clock_stream.py).
CLOCK_FORWARD_ONLY = Rule(
    "clock.forward_only", "The registry reviews each day once, each after the last."
)

# Risk signals (docs/domain.md §4.10): they raise alerts, never refuse.
RISK_COVERAGE = Rule(
    "risk.coverage",
    "The escrow balance covers the unconsumed prepaid liability of the open contracts.",
    refuses=False,
)
RISK_INFLOW_SPIKE = Rule(
    "risk.prepaid_inflow_spike",
    "Prepaid fees of the last 30 days stay within a multiple of the trailing monthly average.",
    refuses=False,
)
RISK_RECTIFICATION_OVERDUE = Rule(
    "risk.rectification_overdue",
    "A rectification order is verified as completed by its deadline.",
    refuses=False,
)
RISK_LICENCE_EXPIRING = Rule(
    "risk.licence_expiring",
    "A licence is renewed well before it expires.",
    refuses=False,
)
RISK_COMPLAINT_SURGE = Rule(
    "risk.complaint_surge",
    "Refund complaints of the last 7 days stay under 5 and under 3x the trailing weekly mean.",
    refuses=False,
)
RISK_ABNORMAL_CLOSURE = Rule(
    "risk.abnormal_closure",
    "An institution that ceases abnormally (跑路/闭店) is an immediate red alert.",
    refuses=False,
)
RISK_SUPERVISION_ENDED = Rule(
    "risk.supervision_ended",
    "An institution whose fund supervision has ended owes no unconsumed prepaid fees.",
    refuses=False,
)


@dataclass(frozen=True)
class PrepaidLimits:
    """National prepaid-fee limits for one charge (docs/domain.md §4.6)."""

    max_months: int = 3
    max_lessons: int = 60
    max_amount_fen: int = 500_000
    # Collected at the earliest this many months before the period paid for starts, or once
    # no more than ``renewal_lessons`` lessons paid for before remain to be taught.
    advance_months: int = 1
    renewal_lessons: int = 20


@dataclass(frozen=True)
class LessonHours:
    """Latest end of a lesson and the longest online lesson, Asia/Shanghai (§2.6: 双减 for
    academic online lessons; the 2022 non-academic opinion sets the same 30 minutes and 21:00)."""

    offline_latest_end: time = time(20, 30)
    online_latest_end: time = time(21, 0)
    online_max_minutes: int = 30


@dataclass(frozen=True)
class RiskThresholds:
    """Risk signal thresholds (docs/domain.md §4.10); [A] marks the registry's own assumptions."""

    coverage_yellow: float = 1.0  # [A]
    coverage_red: float = 0.8  # [A]
    licence_expiry_warning_days: int = 60  # [A]
    inflow_spike_ratio: float = 2.0  # [A]
    inflow_window_days: int = 30  # [A]
    inflow_trailing_days: int = 90  # [A] the days before the window, averaged per 30 days
    # A breach of these is a red alert (money at risk now); any other breach is yellow. [A]
    red_breach_rules: frozenset[str] = frozenset(
        {
            PREPAID_INSTITUTION_OPERATING.id,
            PREPAID_SUPERVISED_ACCOUNT.id,
            PREPAID_SUPERVISION_IN_PLACE.id,
        }
    )
    complaint_surge_count: int = 5  # [A]
    complaint_surge_ratio: float = 3.0  # [A]
    complaint_window_days: int = 7  # [A]
    complaint_trailing_days: int = 84  # [A] the 12 weeks before the window, averaged per week


@dataclass(frozen=True)
class RulePack:
    """The numbers in force, with the version every judgement records."""

    version: str = RULE_PACK_VERSION
    jurisdiction: str = "national"
    # 《关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见》(双减), issued 2021-07-24.
    double_reduction_date: date = date(2021, 7, 24)
    # 《民办教育促进法》 in force 2003-09-01: no private-school licence or decision is older.
    earliest_effective_date: date = date(2003, 9, 1)
    # A decision is made before it takes effect, by at most this many days. [A]
    max_days_ahead: int = 90
    prepaid: PrepaidLimits = field(default_factory=PrepaidLimits)
    hours: LessonHours = field(default_factory=LessonHours)
    risk: RiskThresholds = field(default_factory=RiskThresholds)
    penalty_kinds: frozenset[str] = frozenset(
        {
            "warning",
            "circulated_criticism",
            "fine",
            "confiscation_of_illegal_gains",
            "confiscation_of_illegal_property",
            "stop_enrolment",
            "stop_operation",
            "licence_revocation",
            "practice_restriction",
        }
    )


DEFAULT_RULE_PACK = RulePack()

CONTRACT_COMPLETION = Rule(
    "contract.completion", "A contract completes only when nothing paid is left unconsumed."
)
CONTRACT_TRANSFER = Rule(
    "contract.transfer", "Liabilities are transferred only to a conversion successor."
)

# Refund disputes (RefundCase): decisions of the bureau or the court, refused when a rule fails.
CASE_ONE_OPEN = Rule(
    "refund_case.one_open_per_contract", "A contract is in at most one open refund case."
)
CASE_CONTRACTS = Rule(
    "refund_case.contracts", "A case names contracts of the institution it is opened against."
)
CASE_STATE = Rule("refund_case.state", "Each step of a refund case follows the one before it.")
CASE_ASSESSMENT_LIMIT = Rule(
    "refund_case.assessment_within_paid",
    "The assessed amount never exceeds paid minus refunded over the case's contracts.",
)
CASE_PAYMENT_LIMIT = Rule(
    "refund_case.payment_within_award",
    "Payments never exceed the amount agreed in mediation or awarded by the court.",
)
CASE_EXPORT_NEEDS_ASSESSMENT = Rule(
    "refund_case.export_needs_assessment", "A case file is exported only after an assessment."
)
