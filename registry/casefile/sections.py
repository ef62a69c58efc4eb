"""Sections 1-5 of the index: parties, contracts, payments, lessons consumed, amount claimed.

Each function reads the plain-data bundle of ``RefundCaseCommands.case_file_bundle`` and
returns a ``Section`` of blocks. The claimant's and guardians' details appear: the case file is
for the court only.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import DomainEvent

from registry.casefile import labels as L
from registry.casefile.document import Block, Fields, Grid, Para, Section
from registry.casefile.labels import event_name, money, named, shanghai, text, yuan
from registry.domain.events import (
    ContractSigned,
    LessonsConsumed,
    PrepaidFeeCollected,
    UnconsumedAmountAssessed,
)


def is_a(e: dict[str, Any], *events: type[DomainEvent]) -> bool:
    """Whether a bundle event is of one of the event classes ``events``."""
    return any(e["type"] == event_name(event) for event in events)


def events_of(
    bundle: dict[str, Any], *events: type[DomainEvent], stream_id: str | None = None
) -> list[Any]:
    """The bundle's events of the classes ``events`` (of one stream if given), in log order."""
    names = {event_name(event) for event in events}
    return [
        e
        for e in bundle["events"]
        if e["type"] in names and (stream_id is None or e["stream_id"] == stream_id)
    ]


def contract_names(bundle: dict[str, Any]) -> dict[str, str]:
    """Short names of the case's contracts: ``合同1``, ``合同2``… in the case's order."""
    return {c: f"合同{i}" for i, c in enumerate(bundle["case"]["contract_ids"], start=1)}


def parties(bundle: dict[str, Any]) -> Section:
    case, inst = bundle["case"], bundle["institution"]
    licence = inst["licence"] or {}
    names = contract_names(bundle)
    guardians = [
        f"{c['guardian_name']} {c['guardian_phone']}（{names.get(c['id'], c['id'])}）"
        for c in bundle["contracts"]
    ]
    validity = (
        f"{licence['valid_from']} 至 {licence['valid_to']}" if licence.get("valid_from") else "—"
    )
    return Section(
        1,
        "当事人",
        "Parties",
        [
            Para("申请人 Claimant", "subhead"),
            Fields(
                [
                    ("姓名 Name", case["claimant_name"]),
                    ("联系电话 Phone", case["claimant_phone"]),
                    ("合同监护人 Guardian on the contracts", text(guardians)),
                    ("学员 Pupil", text([c["pupil_ref"] for c in bundle["contracts"]])),
                ]
            ),
            Para(
                "学员为未成年人，卷宗仅载其学员编号。The pupil is a minor: only the reference.",
                "note",
            ),
            Para("被申请人 Respondent", "subhead"),
            Fields(
                [
                    ("名称 Name", inst["name"]),
                    ("统一社会信用代码 Credit code", inst["credit_code"]),
                    ("法定代表人 Legal representative", text(inst["legal_representative"])),
                    ("地址 Address", text(inst["address"])),
                    ("行政区划 District", inst["district_code"]),
                    ("组织形式 Legal form", named(L.LEGAL_FORM, inst["legal_form"])),
                    ("类别 Category", named(L.CATEGORY, inst["category"])),
                    ("培训科目 Subjects", text(inst["subjects"])),
                    ("办学形式 Delivery", named(L.DELIVERY, inst["delivery"])),
                    ("ICP 备案号 ICP filing", text(inst["icp_number"])),
                    ("办学许可证号 Licence no.", text(licence.get("licence_no"))),
                    ("审批机关 Approving authority", text(licence.get("approving_authority"))),
                    ("有效期 Validity", validity),
                    ("状态 Status", named(L.INSTITUTION_STATUS, inst["status"])),
                    ("登记时间 Registered", shanghai(inst["registered_at"])),
                ]
            ),
            Para("相关方 Related parties", "subhead"),
            Fields(
                [
                    ("资金监管银行 Custody bank", text((inst["supervision"] or {}).get("bank"))),
                    ("受理法院 Court", text((case["referral"] or {}).get("court"))),
                ]
            ),
        ],
    )


def contracts(bundle: dict[str, Any]) -> Section:
    names = contract_names(bundle)
    positions = {(e["stream_id"], e["version"]): e["position"] for e in bundle["events"]}
    blocks: list[Block] = []
    for c in bundle["contracts"]:
        signed = events_of(bundle, ContractSigned, stream_id=c["id"])
        blocks += [
            Para(f"{names.get(c['id'], '')}：{c['course']}", "subhead"),
            Fields(
                [
                    ("合同编号 Contract id", c["id"]),
                    ("课程 Course", c["course"]),
                    ("学员编号 Pupil ref", c["pupil_ref"]),
                    ("监护人 Guardian", f"{c['guardian_name']}  {c['guardian_phone']}"),
                    ("付费课时 Paid lessons", str(c["paid_lessons"])),
                    ("赠送课时 Gift lessons", str(c["gift_lessons"])),
                    ("课时单价 Price per lesson", money(c["price_per_lesson_fen"])),
                    (
                        "合同价款 Contract price",
                        money(c["paid_lessons"] * c["price_per_lesson_fen"])
                        + f"（{c['paid_lessons']} 课时 × {yuan(c['price_per_lesson_fen'])} 元）",
                    ),
                    ("履行期间 Term", f"{c['start_date']} 至 {c['end_date']}"),
                    ("签约时资金监管 Supervision", named(L.SUPERVISION, c["supervision_mode"])),
                    (
                        "签订记录时间 Recorded",
                        shanghai(signed[0]["recorded_at"]) if signed else "—",
                    ),
                    ("合同状态 Status", named(L.CONTRACT_STATUS, c["status"])),
                    ("争议中 Disputed", text(c["disputed"])),
                    (
                        "转移 Transfers",
                        text([f"{t['from']} → {t['to']}（{t['on']}）" for t in c["transfers"]]),
                    ),
                ]
            ),
            Para("违规记录 Compliance breaches", "note"),
            Grid(
                ("日志位置 Position", "规则 Rule", "版本 Version", "说明 Detail"),
                [
                    (
                        text(positions.get((c["id"], b["event_version"]))),
                        b["rule"],
                        b["rule_version"],
                        b["detail"],
                    )
                    for b in c["breaches"]
                ],
                (0.14, 0.32, 0.12, 0.42),
                numeric=frozenset({0}),
            ),
        ]
    return Section(2, "合同", "Contracts", blocks)


def payments(bundle: dict[str, Any]) -> Section:
    names = contract_names(bundle)
    collected = {
        e["data"]["payment_id"]: e["position"] for e in events_of(bundle, PrepaidFeeCollected)
    }
    rows, summary = [], []
    for c in bundle["contracts"]:
        for p in c["payments"]:
            rows.append(
                (
                    names.get(c["id"], ""),
                    shanghai(p["paid_at"]),
                    yuan(p["amount_fen"]),
                    p["channel"],
                    text(p["into_supervised_account"]),
                    text(p["lessons_covered"]),
                    text(p["covers_until"]),
                    text(collected.get(p["payment_id"])),
                )
            )
        supervised = sum(p["amount_fen"] for p in c["payments"] if p["into_supervised_account"])
        summary.append(
            f"{names.get(c['id'], '')} 合计缴费 {yuan(c['paid_fen'])} 元，其中进入监管账户 "
            f"{yuan(supervised)} 元。Paid {yuan(c['paid_fen'])}, of which "
            f"{yuan(supervised)} into the supervised account."
        )
    grid = Grid(
        (
            "合同",
            "缴费时间 Paid at",
            "金额（元） Amount",
            "渠道 Channel",
            "进入监管账户 Supervised",
            "覆盖课时 Lessons",
            "覆盖至 Until",
            "位置 Pos.",
        ),
        rows,
        (0.08, 0.18, 0.13, 0.13, 0.13, 0.10, 0.14, 0.11),
        numeric=frozenset({2, 5, 7}),
    )
    return Section(3, "缴费", "Payments", [grid, *(Para(s) for s in summary)])


def lessons(bundle: dict[str, Any]) -> Section:
    names = contract_names(bundle)
    rows, running = [], dict.fromkeys(names, 0)
    for e in events_of(bundle, LessonsConsumed):
        data = e["data"]
        running[e["stream_id"]] = running.get(e["stream_id"], 0) + int(data["lessons"])
        rows.append(
            (
                names.get(e["stream_id"], ""),
                f"{shanghai(data['starts_at'], False)} – {shanghai(data['ends_at'], False)[11:]}",
                str(data["lessons"]),
                named(L.DELIVERY, data["delivery"]),
                str(running[e["stream_id"]]),
                shanghai(e["recorded_at"]),
                str(e["position"]),
            )
        )
    summary = [
        Para(
            f"{names.get(c['id'], '')}：已消课 {c['consumed_lessons']} 课时，共购 "
            f"{c['paid_lessons'] + c['gift_lessons']} 课时（付费 {c['paid_lessons']}，赠送 "
            f"{c['gift_lessons']}），剩余 "
            f"{c['paid_lessons'] + c['gift_lessons'] - c['consumed_lessons']} 课时。"
        )
        for c in bundle["contracts"]
    ]
    grid = Grid(
        (
            "合同",
            "上课时间 Lesson time",
            "课时 Lessons",
            "形式 Delivery",
            "累计 Running",
            "报送时间 Reported",
            "位置 Pos.",
        ),
        rows,
        (0.08, 0.27, 0.10, 0.13, 0.10, 0.21, 0.11),
        numeric=frozenset({2, 4, 6}),
    )
    return Section(4, "消课", "Lessons consumed", [grid, *summary])


def _worksheet(sheet: dict[str, Any]) -> Grid:
    pooled = sheet["method"] == "pooled"
    unit_formula = "实付 ÷ (N + G)" if pooled else "实付 ÷ N"
    consumed_formula = "min(C, N + G) × 单价" if pooled else "min(C, N) × 单价"
    if len(sheet.get("blocks", [])) > 1:
        unit_formula = "当前缴费: " + unit_formula
        consumed_formula = "Σ 各笔缴费 " + consumed_formula

    def exact(step: dict[str, Any]) -> tuple[str, str]:
        return step["exact"], yuan(step["fen"])

    return Grid(
        ("项目 Step", "公式 Formula", "精确值（分） Exact fen", "金额（元） Yuan"),
        [
            ("实付金额 Paid", "Σ 缴费", str(sheet["paid_fen"]), yuan(sheet["paid_fen"])),
            (
                "已退金额 Refunded",
                "Σ 退费",
                str(sheet["refunded_fen"]),
                yuan(sheet["refunded_fen"]),
            ),
            ("课时单价 Unit price", unit_formula, *exact(sheet["unit_fen"])),
            ("已消课金额 Consumed value", consumed_formula, *exact(sheet["consumed_value_fen"])),
            (
                "不可退费用 Irreversible costs",
                "已发生的第三方费用",
                str(sheet["irreversible_costs_fen"]),
                yuan(sheet["irreversible_costs_fen"]),
            ),
            (
                "未消课金额 Unconsumed",
                "max(0, 实付 - 已退 - 已消课金额 - 不可退费用)",
                *exact(sheet["unconsumed_fen"]),
            ),
        ],
        (0.25, 0.37, 0.20, 0.18),
        numeric=frozenset({2, 3}),
    )


def _charge_blocks(sheet: dict[str, Any]) -> Grid:
    """What each charge bought and what was consumed of it (assessments from before charges
    were blocks have none)."""
    return Grid(
        ("缴费 Charge", "N + G", "已消 C", "单价 Unit (exact fen)", "已消课金额 Consumed (元)"),
        [
            (
                f"{i}. {yuan(b['amount_fen'])}",
                f"{b['paid_lessons']} + {b['gift_lessons']}",
                str(b["consumed_lessons"]),
                b["unit_fen"]["exact"],
                yuan(b["consumed_value_fen"]["fen"]),
            )
            for i, b in enumerate(sheet.get("blocks", []), start=1)
        ],
        (0.22, 0.14, 0.12, 0.27, 0.25),
        numeric=frozenset({2, 4}),
    )


def amount_claimed(bundle: dict[str, Any]) -> Section:
    case = bundle["case"]
    assessment = case["assessment"]
    names = contract_names(bundle)
    assessed = events_of(bundle, UnconsumedAmountAssessed)
    blocks: list[Block] = [
        Fields(
            [
                ("主张金额 Amount claimed", money(case["claim_fen"])),
                ("核定未消课金额 Assessed unconsumed amount", money(assessment["assessed_fen"])),
                ("计算方法 Method", named(L.METHOD, assessment["method"])),
                ("不可退费用 Irreversible costs", money(assessment["irreversible_costs_fen"])),
                ("核定依据日志位置 Assessed as of position", str(assessment["as_of_position"])),
                (
                    "核定时间 Assessed at",
                    shanghai(assessed[-1]["recorded_at"]) if assessed else "—",
                ),
            ]
        ),
        Para(
            "金额以分为单位精确计算（分数），仅在显示时四舍五入到分。N = 付费课时，G = 赠送课时，"
            "C = 已消课时。Exact fractions of a fen; rounded half up only when shown.",
            "note",
        ),
    ]
    for sheet in assessment["worksheets"]:
        cid = sheet["contract_id"]
        blocks += [
            Para(f"计算表 Worksheet — {names.get(cid, '')}（{cid}）", "subhead"),
            Para(
                f"N = {sheet['paid_lessons']}，G = {sheet['gift_lessons']}，"
                f"C = {sheet['consumed_lessons']}；方法 {named(L.METHOD, sheet['method'])}"
            ),
            _worksheet(sheet),
        ]
        if sheet.get("blocks"):
            blocks += [
                Para("每笔缴费购买的课时，按缴费顺序消课 Lessons consume the charges in order"),
                _charge_blocks(sheet),
            ]
    chosen = assessment["method"]
    blocks += [
        Para("各计算方法结果 Alternative methods", "subhead"),
        Grid(
            ("方法 Method", "说明 Description", "金额（元） Amount", "采用 Chosen"),
            [
                (m, L.METHOD.get(m, m), yuan(fen), "√ 采用 chosen" if m == chosen else "")
                for m, fen in assessment["alternatives"].items()
            ],
            (0.18, 0.42, 0.20, 0.20),
            numeric=frozenset({2}),
        ),
    ]
    return Section(5, "主张金额", "Amount claimed", blocks)
