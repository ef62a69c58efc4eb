"""Sections 6-8 of the index: supervision and balance, regulatory record, mediation and court."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import DomainEvent

from registry.casefile import labels as L
from registry.casefile.document import Block, Fields, Grid, Para, Section
from registry.casefile.labels import by_event, money, named, shanghai, text, yuan
from registry.casefile.sections import contract_names, events_of
from registry.casefile.timeline import summary
from registry.domain.events import (
    Blacklisted,
    ComplianceBreachDetected,
    ConversionAbandoned,
    ConversionCompleted,
    ConversionStarted,
    Deregistered,
    EnrolmentSuspended,
    EnrolmentSuspensionLifted,
    EscrowReleased,
    FundSupervisionEstablished,
    LicenceIssued,
    LicenceRenewed,
    LicenceRevoked,
    OperationsCeased,
    PrepaidRefunded,
    RemovedFromBlacklist,
)


def supervision(bundle: dict[str, Any]) -> Section:
    sup = bundle["institution"]["supervision"] or {}
    names = contract_names(bundle)
    established = events_of(bundle, FundSupervisionEstablished)
    rows, totals = [], [0, 0, 0, 0, 0]
    for c in bundle["contracts"]:
        supervised = sum(p["amount_fen"] for p in c["payments"] if p["into_supervised_account"])
        figures = [
            c["paid_fen"],
            supervised,
            c["released_fen"],
            c["refunded_fen"],
            c["escrow_balance_fen"],
        ]
        totals = [t + f for t, f in zip(totals, figures, strict=True)]
        rows.append((names.get(c["id"], ""), *(yuan(f) for f in figures)))
    rows.append(("合计 Total", *(yuan(t) for t in totals)))
    movements = [
        (
            names.get(e["stream_id"], ""),
            named(L.EVENT, e["type"]),
            yuan(e["data"]["amount_fen"]),
            shanghai(e["data"].get("paid_at") or e["recorded_at"]),
            str(e["position"]),
        )
        for e in events_of(bundle, EscrowReleased, PrepaidRefunded)
    ]
    blocks: list[Block] = [
        Fields(
            [
                ("监管方式 Mode", named(L.SUPERVISION, sup.get("mode", "none"))),
                ("监管银行 Bank", text(sup.get("bank"))),
                ("监管账户 Account", text(sup.get("account_no"))),
                ("监管协议 Agreement", text(sup.get("agreement_no"))),
                ("风险保证金 Risk reserve", money(sup.get("reserve_fen"))),
                (
                    "建立时间 Established",
                    shanghai(established[-1]["recorded_at"]) if established else "—",
                ),
            ]
        ),
        Grid(
            (
                "合同",
                "已缴 Paid",
                "其中入监管 Into supervised",
                "已拨付 Released",
                "已退费 Refunded",
                "监管余额 Escrow balance",
            ),
            rows,
            (0.14, 0.16, 0.19, 0.16, 0.16, 0.19),
            numeric=frozenset({1, 2, 3, 4, 5}),
        ),
        Para(
            f"金额单位：元。监管余额 = 已缴 - 已拨付 - 已退费，截至日志位置 {bundle['position']}"
            f"（{shanghai(bundle['exported_at'])}，北京时间）。Escrow balance = paid - released - "
            "refunded, at the export position.",
            "note",
        ),
    ]
    if totals[1] < totals[0]:
        blocks.append(
            Para(
                f"注意：{yuan(totals[0] - totals[1])} 元缴费未进入监管账户。Note: "
                f"{yuan(totals[0] - totals[1])} yuan were paid outside the supervised account."
            )
        )
    blocks += [
        Para("拨付与退费记录 Releases and refunds", "subhead"),
        Grid(
            ("合同", "事项 Kind", "金额（元） Amount", "时间 Time", "位置 Pos."),
            movements,
            (0.12, 0.30, 0.18, 0.26, 0.14),
            numeric=frozenset({2, 4}),
        ),
    ]
    return Section(6, "资金监管", "Supervision status and balance", blocks)


# Institution events that decide its standing, and the fields that date and identify them.
_DECISIONS: dict[type[DomainEvent], tuple[str, str | None]] = {
    LicenceIssued: ("valid_from", "licence_no"),
    LicenceRenewed: ("valid_to", None),
    EnrolmentSuspended: ("effective_from", "decision_no"),
    EnrolmentSuspensionLifted: ("lifted_on", "decision_no"),
    LicenceRevoked: ("effective_on", "decision_no"),
    ConversionStarted: ("started_on", None),
    ConversionCompleted: ("completed_on", None),
    ConversionAbandoned: ("abandoned_on", None),
    OperationsCeased: ("ceased_on", None),
    Blacklisted: ("listed_on", "decision_no"),
    RemovedFromBlacklist: ("removed_on", "decision_no"),
    Deregistered: ("deregistered_on", None),
}
_DATED_BY = by_event(_DECISIONS)


def regulatory_record(bundle: dict[str, Any]) -> Section:
    inst = bundle["institution"]
    decisions = []
    for e in events_of(bundle, *_DECISIONS, stream_id=inst["id"]):
        on, number = _DATED_BY[e["type"]]
        decisions.append(
            (
                str(e["position"]),
                text(e["data"].get(on)),
                named(L.EVENT, e["type"]),
                text(e["data"].get(number) if number else None),
                summary(e),
            )
        )
    breaches = [
        (str(e["position"]), e["data"]["rule"], e["data"]["rule_version"], e["data"]["detail"])
        for e in events_of(bundle, ComplianceBreachDetected, stream_id=inst["id"])
    ]
    return Section(
        7,
        "监管记录",
        "Regulatory record",
        [
            Fields(
                [
                    ("当前状态 Status", named(L.INSTITUTION_STATUS, inst["status"])),
                    ("黑名单 Blacklisted", text(inst["blacklisted"])),
                    (
                        "未完成整改 Open rectification orders",
                        str(len(inst["open_rectification_orders"])),
                    ),
                ]
            ),
            Para("许可、处分与状态变更 Licence, decisions and status changes", "subhead"),
            Grid(
                (
                    "位置 Pos.",
                    "生效日期 Effective",
                    "事项 Decision",
                    "文号 Document no.",
                    "说明 Detail",
                ),
                decisions,
                (0.09, 0.14, 0.22, 0.25, 0.30),
                numeric=frozenset({0}),
            ),
            Para("检查 Inspections", "subhead"),
            Grid(
                (
                    "日期 Date",
                    "类型 Kind",
                    "结果 Result",
                    "检查人员 Inspectors",
                    "发现问题 Findings",
                ),
                [
                    (
                        i["inspected_on"],
                        named(L.INSPECTION_KIND, i["kind"]),
                        named(L.INSPECTION_RESULT, i["result"]),
                        text(i["inspectors"]),
                        text([_finding(f) for f in i["findings"]]),
                    )
                    for i in inst["inspections"]
                ],
                (0.13, 0.15, 0.16, 0.16, 0.40),
            ),
            Para("责令整改 Rectification orders", "subhead"),
            Grid(
                ("下达 Issued", "期限 Deadline", "整改事项 Items", "状态 Status", "核验 Verified"),
                [
                    (
                        o["issued_on"],
                        o["deadline"],
                        text(o["items"]),
                        {"open": "未完成 open", "verified": "已核验 verified"}.get(
                            o["status"], o["status"]
                        ),
                        text([f"{v['verified_on']} {v['outcome']}" for v in o["verifications"]]),
                    )
                    for o in inst["rectification_orders"]
                ],
                (0.13, 0.13, 0.40, 0.14, 0.20),
            ),
            Para("行政处罚 Penalties", "subhead"),
            Grid(
                (
                    "决定书文号 Decision no.",
                    "种类 Kinds",
                    "罚款（元） Fine",
                    "没收违法所得（元） Gains",
                    "日期 Date",
                ),
                [
                    (
                        p["decision_no"],
                        text([L.PENALTY_KIND.get(k, k) for k in p["kinds"]]),
                        yuan(p["fine_fen"]),
                        yuan(p["illegal_gains_fen"]),
                        p["decided_on"],
                    )
                    for p in inst["penalties"]
                ],
                (0.28, 0.22, 0.15, 0.20, 0.15),
                numeric=frozenset({2, 3}),
            ),
            Para("机构违规记录 Compliance breaches of the institution", "subhead"),
            Grid(
                ("位置 Pos.", "规则 Rule", "版本 Version", "说明 Detail"),
                breaches,
                (0.12, 0.32, 0.12, 0.44),
                numeric=frozenset({0}),
            ),
        ],
    )


def _finding(finding: dict[str, Any]) -> str:
    severity = L.SEVERITY.get(finding["severity"], finding["severity"])
    return f"{finding['code']} {finding['description']}（{severity}）"


def mediation_record(bundle: dict[str, Any]) -> Section:
    case = bundle["case"]
    mediation = case["mediation"] or {}
    referral = case["referral"] or {}
    judgment = case["judgment"] or {}
    closure = case["closure"] or {}
    names = contract_names(bundle)
    outcome = {"agreed": "达成协议 agreed", "failed": "调解不成 failed"}.get(
        mediation.get("outcome", ""), "—"
    )
    return Section(
        8,
        "调解",
        "Mediation and court record",
        [
            Fields(
                [
                    ("案件编号 Case id", case["id"]),
                    ("案件状态 Status", named(L.CASE_STATUS, case["status"])),
                    ("案件来源 Source", named(L.CASE_SOURCE, case["source"])),
                    ("立案时间 Opened", shanghai(case["opened_at"])),
                    ("调解结果 Mediation", outcome),
                    ("调解日期 Held on", text(mediation.get("held_on"))),
                    ("调解协议金额 Agreed", money(mediation.get("agreed_fen"))),
                    ("移送法院 Referred to", text(referral.get("court"))),
                    ("移送日期 Referred on", text(referral.get("referred_on"))),
                    ("案号 Court case no.", text(judgment.get("court_case_no"))),
                    ("判决金额 Awarded", money(judgment.get("awarded_fen"))),
                    ("判决日期 Judged on", text(judgment.get("judged_on"))),
                    ("已付退费 Refund paid", money(case["paid_fen"])),
                    ("结案 Closure", text(closure.get("outcome"))),
                ]
            ),
            Para("退费支付 Refund payments", "subhead"),
            Grid(
                ("支付日期 Paid on", "金额（元） Amount", "资金来源 Source", "分配 Allocation"),
                [
                    (
                        p["paid_on"],
                        yuan(p["amount_fen"]),
                        named(L.PAYMENT_SOURCE, p["source"]),
                        text([f"{names.get(c, c)} {yuan(f)}" for c, f in p["allocations"].items()]),
                    )
                    for p in case["payments"]
                ],
                (0.18, 0.18, 0.28, 0.36),
                numeric=frozenset({1}),
            ),
        ],
    )
