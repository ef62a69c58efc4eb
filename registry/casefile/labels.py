"""How the case file writes amounts, times and the registry's codes for a Chinese court.

Money is integer fen shown as yuan with two decimals (never through a float); times are shown
in Asia/Shanghai; codes (statuses, methods, event types) get their Chinese name beside the code.
The bundle's events carry their type by name; every name the case file looks for is taken from
the event's class (``event_name``), so a renamed event fails when the case file is imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from eventsourcing.domain import DomainEvent

from registry.domain.clock import SHANGHAI
from registry.domain.events import (
    Blacklisted,
    CaseFileExported,
    CaseReferredToCourt,
    ComplianceBreachDetected,
    ContractCompleted,
    ContractDisputed,
    ContractFrozen,
    ContractSigned,
    ContractTerminated,
    ConversionAbandoned,
    ConversionCompleted,
    ConversionStarted,
    Deregistered,
    DisputeClosed,
    EnrolmentSuspended,
    EnrolmentSuspensionLifted,
    EscrowReleased,
    EvidenceAttached,
    FundSupervisionEstablished,
    InspectionRecorded,
    InstitutionRegistered,
    JudgmentRecorded,
    LessonsConsumed,
    LicenceIssued,
    LicenceRenewed,
    LicenceRevoked,
    MediationAgreementReached,
    MediationFailed,
    OperationsCeased,
    PenaltyImposed,
    PrepaidFeeCollected,
    PrepaidLiabilitiesTransferred,
    PrepaidRefunded,
    RectificationOrdered,
    RectificationVerified,
    RefundCaseClosed,
    RefundCaseOpened,
    RefundCaseWithdrawn,
    RefundPaid,
    RemovedFromBlacklist,
    StaffMemberFiled,
    UnconsumedAmountAssessed,
)

V = TypeVar("V")


def event_name(event: type[DomainEvent]) -> str:
    """The type an event of this class has in the bundle: its class name (``LicenceIssued``)."""
    return event.__name__


def by_event(table: Mapping[type[DomainEvent], V]) -> dict[str, V]:
    """A table written by event class, keyed by the names the bundle's events carry."""
    return {event_name(event): value for event, value in table.items()}


def yuan(fen: int | None) -> str:
    """``265846`` → ``"2,658.46"``; ``None`` → ``"—"``."""
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def money(fen: int | None) -> str:
    """``265846`` → ``"2,658.46 元"``; ``None`` → ``"—"``."""
    return "—" if fen is None else f"{yuan(fen)} 元"


def shanghai(moment: str | None, seconds: bool = True) -> str:
    """An ISO timestamp shown as Beijing time, ``2026-03-01 10:00:00``."""
    if not moment:
        return "—"
    local = datetime.fromisoformat(moment).astimezone(SHANGHAI)
    return local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def text(value: Any) -> str:
    """Plain text for a value of a view: lists joined, booleans in words, None as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "是 yes" if value else "否 no"
    if isinstance(value, list | tuple):
        return "；".join(text(v) for v in value)
    return str(value)


def named(table: dict[str, str], code: str | None) -> str:
    """A code with its Chinese name: ``"bank_custody"`` → ``"银行存管 bank_custody"``."""
    if code is None:
        return "—"
    name = table.get(code)
    return f"{name} {code}" if name else code


CATEGORY = {"academic": "学科类", "non_academic": "非学科类"}
DELIVERY = {"offline": "线下", "online": "线上"}
LEGAL_FORM = {"company": "公司", "non_profit": "民办非企业单位"}
SUPERVISION = {"bank_custody": "银行存管", "risk_reserve": "风险保证金", "none": "未监管"}

INSTITUTION_STATUS = {
    "registered": "已登记",
    "licensed": "已取得办学许可",
    "suspended": "暂停招生",
    "revoked": "许可证已吊销",
    "converting": "营转非进行中",
    "converted": "已完成营转非",
    "ceased": "已停止办学",
    "deregistered": "已注销",
}
CONTRACT_STATUS = {
    "signed": "已签订",
    "active": "履行中",
    "frozen": "已冻结",
    "terminated": "已解除",
    "completed": "已履行完毕",
}
CASE_STATUS = {
    "opened": "已立案",
    "assessed": "已核定",
    "settled": "调解达成协议",
    "mediation_failed": "调解不成",
    "referred_to_court": "已移送法院",
    "judged": "已判决",
    "closed": "已结案",
    "withdrawn": "已撤回",
}
CASE_SOURCE = {"complaint": "家长投诉", "bureau": "主管部门发现", "court_referral": "法院委托"}
METHOD = {
    "pooled": "合并计价（赠课按实付分摊）",
    "paid_first": "先消付费课时（赠课最后消耗）",
}
EVIDENCE_KIND = {
    "contract": "合同",
    "payment": "缴费凭证",
    "consumption": "消课记录",
    "communication": "沟通记录",
    "regulatory": "监管文书",
    "other": "其他",
}
PAYMENT_SOURCE = {
    "supervised_account": "监管账户",
    "institution": "机构自有资金",
    "risk_reserve": "风险保证金",
    "other": "其他",
}
PENALTY_KIND = {
    "warning": "警告",
    "circulated_criticism": "通报批评",
    "fine": "罚款",
    "confiscation_of_illegal_gains": "没收违法所得",
    "confiscation_of_illegal_property": "没收非法财物",
    "stop_enrolment": "责令停止招生",
    "stop_operation": "责令停止举办",
    "licence_revocation": "吊销许可证",
    "practice_restriction": "限制从业",
}
INSPECTION_KIND = {
    "routine": "日常检查",
    "random": "随机抽查",
    "complaint": "投诉核查",
    "special": "专项检查",
    "fund_audit": "资金审计",
}
INSPECTION_RESULT = {"pass": "合格", "rectify": "责令整改", "fail": "不合格"}
SEVERITY = {"minor": "轻微", "major": "较重", "critical": "严重"}
CESSATION_KIND = {"voluntary": "主动停办", "abnormal": "异常停业"}
ROLE = {
    "regulator": "监管部门",
    "feed": "银行/平台",
    "court": "法院",
    "admin": "管理员",
    "system": "系统",
}
STREAM = {"refund_case": "案件", "institution": "机构", "contract": "合同"}

EVENT = by_event(
    {
        InstitutionRegistered: "机构登记",
        LicenceIssued: "颁发办学许可证",
        LicenceRenewed: "许可证延续",
        StaffMemberFiled: "从业人员备案",
        FundSupervisionEstablished: "建立资金监管",
        InspectionRecorded: "检查记录",
        RectificationOrdered: "责令整改",
        RectificationVerified: "整改核验",
        EnrolmentSuspended: "暂停招生",
        EnrolmentSuspensionLifted: "恢复招生",
        PenaltyImposed: "行政处罚",
        LicenceRevoked: "吊销许可证",
        ConversionStarted: "启动营转非",
        ConversionCompleted: "完成营转非",
        ConversionAbandoned: "终止营转非",
        OperationsCeased: "停止办学",
        Blacklisted: "列入黑名单",
        RemovedFromBlacklist: "移出黑名单",
        Deregistered: "注销",
        ComplianceBreachDetected: "发现违规",
        ContractSigned: "签订合同",
        PrepaidFeeCollected: "收取预付费",
        LessonsConsumed: "消课",
        EscrowReleased: "监管资金拨付",
        PrepaidRefunded: "退还预付费",
        ContractFrozen: "合同冻结",
        ContractTerminated: "合同解除",
        ContractCompleted: "合同履行完毕",
        PrepaidLiabilitiesTransferred: "预付费债务转移",
        ContractDisputed: "合同进入争议",
        DisputeClosed: "争议结束",
        RefundCaseOpened: "退费案件立案",
        EvidenceAttached: "提交证据",
        UnconsumedAmountAssessed: "核定未消课金额",
        MediationAgreementReached: "调解达成协议",
        MediationFailed: "调解不成",
        CaseReferredToCourt: "移送法院",
        CaseFileExported: "导出卷宗",
        JudgmentRecorded: "记录判决",
        RefundPaid: "支付退费",
        RefundCaseClosed: "结案",
        RefundCaseWithdrawn: "撤回",
    }
)
