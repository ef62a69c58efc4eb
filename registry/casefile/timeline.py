"""Sections 9 and 10 of the index: the dated timeline of every event, and the evidence index."""

from __future__ import annotations

from typing import Any

from registry.casefile import labels as L
from registry.casefile.document import Grid, Para, Section
from registry.casefile.labels import event_name, money, named, shanghai, text, yuan
from registry.casefile.sections import contract_names, events_of, is_a
from registry.domain.events import (
    CaseFileExported,
    ComplianceBreachDetected,
    ContractSigned,
    EscrowReleased,
    EvidenceAttached,
    InspectionRecorded,
    JudgmentRecorded,
    LessonsConsumed,
    LicenceIssued,
    LicenceRenewed,
    MediationAgreementReached,
    PenaltyImposed,
    PrepaidFeeCollected,
    PrepaidRefunded,
    RectificationOrdered,
    RectificationVerified,
    RefundCaseOpened,
    RefundPaid,
    UnconsumedAmountAssessed,
)


def timeline(bundle: dict[str, Any]) -> Section:
    names = {
        **contract_names(bundle),
        bundle["case"]["id"]: "本案",
        bundle["institution"]["id"]: "机构",
    }
    rows = [
        (
            str(e["position"]),
            shanghai(e["recorded_at"]),
            f"{L.EVENT[e['type']]}\n{e['type']}" if e["type"] in L.EVENT else e["type"],
            names.get(e["stream_id"], L.STREAM.get(e["stream"], e["stream"])),
            L.ROLE.get(e["actor"].get("role", "system"), "—"),
            summary(e),
        )
        for e in bundle["events"]
    ]
    return Section(
        9,
        "时间线",
        "Dated timeline",
        [
            Para(
                "全部事件按日志位置排列；时间为记录时间（北京时间）。Every event of the case, its "
                "contracts and its institution, by log position; recorded time in Asia/Shanghai.",
                "note",
            ),
            Grid(
                (
                    "位置 Pos.",
                    "记录时间 Recorded",
                    "事件 Event",
                    "流 Stream",
                    "操作方 By",
                    "摘要 Summary",
                ),
                rows,
                (0.07, 0.17, 0.27, 0.08, 0.10, 0.31),
                numeric=frozenset({0}),
            ),
        ],
    )


def evidence_index(bundle: dict[str, Any]) -> Section:
    case = bundle["case"]
    attached = {
        e["data"]["evidence_id"]: e["position"] for e in events_of(bundle, EvidenceAttached)
    }
    return Section(
        10,
        "证据目录",
        "Evidence index",
        [
            Grid(
                ("序号 No.", "类别 Kind", "说明 Description", "SHA-256", "位置 Pos."),
                [
                    (
                        str(i),
                        named(L.EVIDENCE_KIND, item["kind"]),
                        item["description"],
                        item["sha256"],
                        text(attached.get(item["id"])),
                    )
                    for i, item in enumerate(case["evidence"], start=1)
                ],
                (0.06, 0.15, 0.16, 0.56, 0.07),
                numeric=frozenset({0, 4}),
                mono=frozenset({3}),
            ),
            Para(
                "本卷宗随附 ledger.csv、events.json 与 manifest.json；manifest.json 载明各文件的 "
                "SHA-256 与导出所依据的日志位置，其自身的 SHA-256 记录在本案的“导出卷宗”事件中。"
                "manifest.json lists the SHA-256 of every file; its own digest is recorded in the "
                f"case's {event_name(CaseFileExported)} event.",
                "note",
            ),
            Para("此前导出 Earlier exports", "subhead"),
            Grid(
                ("日志位置 Position", "manifest.json SHA-256"),
                [(str(x["position"]), x["manifest_sha256"]) for x in case["exports"]],
                (0.20, 0.80),
                numeric=frozenset({0}),
                mono=frozenset({1}),
            ),
        ],
    )


def summary(e: dict[str, Any]) -> str:
    """One line saying what an event recorded, for the timeline."""
    d = e["data"]
    if is_a(e, PrepaidFeeCollected):
        into = "入" if d["into_supervised_account"] else "未入"
        return f"{yuan(d['amount_fen'])} 元，{d['channel']}，{into}监管账户"
    if is_a(e, LessonsConsumed):
        return f"{d['lessons']} 课时，{shanghai(d['starts_at'], False)}"
    if is_a(e, EscrowReleased, PrepaidRefunded, RefundPaid):
        return money(d["amount_fen"])
    if is_a(e, ContractSigned):
        return f"{d['course']}，{d['paid_lessons']}+{d['gift_lessons']} 课时"
    if is_a(e, RefundCaseOpened):
        return f"主张 {yuan(d['claim_fen'])} 元"
    if is_a(e, UnconsumedAmountAssessed):
        return f"{yuan(d['amount_fen'])} 元，{d['method']}"
    if is_a(e, MediationAgreementReached):
        return f"协议 {yuan(d['agreed_fen'])} 元"
    if is_a(e, JudgmentRecorded):
        return f"{d['court_case_no']}，判决 {yuan(d['awarded_fen'])} 元"
    if is_a(e, CaseFileExported):
        return f"位置 {d['position']}，{d['manifest_sha256'][:16]}…"
    if is_a(e, ComplianceBreachDetected):
        return f"{d['rule']}：{d['detail']}"
    if is_a(e, InspectionRecorded):
        return f"{d['inspected_on']}，{named(L.INSPECTION_RESULT, d['result'])}"
    if is_a(e, RectificationOrdered):
        return f"{d['issued_on']} 下达，期限 {d['deadline']}"
    if is_a(e, RectificationVerified):
        return f"{d['verified_on']}，{d['outcome']}"
    if is_a(e, LicenceIssued):
        return f"{d['approving_authority']}，有效期至 {d['valid_to']}"
    if is_a(e, LicenceRenewed):
        return f"延续至 {d['valid_to']}"
    if is_a(e, PenaltyImposed):
        return f"{d['decision_no']}，罚款 {yuan(d['fine_fen'])} 元"
    for key in (
        "description",
        "reason",
        "court",
        "outcome",
        "held_on",
        "decision_no",
        "bank",
        "name",
    ):
        if d.get(key):
            return text(d[key])
    if d.get("reasons"):
        return text(d["reasons"])
    return ""
