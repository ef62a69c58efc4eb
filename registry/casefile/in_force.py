"""What was in force on the day of each payment and of each dispute: the court's question.

On the day this family paid, was the institution licensed, not suspended, and its fees
supervised? The answer folds the institution's dated decisions in the file by their effective
dates (``registry.domain.standing``), as the registry knew them at the file's position.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from registry.casefile import labels as L
from registry.casefile.document import Block, Grid, Para
from registry.casefile.labels import named, text
from registry.casefile.sections import contract_names, events_of
from registry.domain.clock import SHANGHAI
from registry.domain.events import ContractDisputed, PrepaidFeeCollected
from registry.domain.standing import EFFECTIVE_FIELD, Decision, in_force_on


def decisions(bundle: dict[str, Any]) -> list[Decision]:
    """The institution's dated decisions, as the file's events record them."""
    found = []
    for e in bundle["events"]:
        name = EFFECTIVE_FIELD.get(e["type"])
        if e["stream_id"] != bundle["institution"]["id"] or name is None:
            continue
        found.append(
            Decision(
                kind=e["type"],
                version=int(e["version"]),
                effective_on=date.fromisoformat(str(e["data"][name])),
                recorded_at=datetime.fromisoformat(e["recorded_at"]),
                data=e["data"],
                position=e["position"],
            )
        )
    return found


def in_force_rows(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """For each payment (on the day paid) and each dispute (on the day it was recorded), the
    institution's status, licence and fund supervision in force that day."""
    known = decisions(bundle)
    rows = []
    moments = [
        ("payment", e, datetime.fromisoformat(e["data"]["paid_at"]))
        for e in events_of(bundle, PrepaidFeeCollected)
    ] + [
        ("dispute", e, datetime.fromisoformat(e["recorded_at"]))
        for e in events_of(bundle, ContractDisputed)
    ]
    for what, e, moment in sorted(moments, key=lambda m: m[1]["position"]):
        day = moment.astimezone(SHANGHAI).date()
        rows.append(
            {
                "what": what,
                "contract_id": e["stream_id"],
                "position": e["position"],
                **in_force_on(known, day),
            }
        )
    return rows


def in_force_blocks(bundle: dict[str, Any]) -> list[Block]:
    names = contract_names(bundle)
    rows = []
    for r in in_force_rows(bundle):
        licence = r["licence"]
        supervision = r["supervision"]
        rows.append(
            (
                "缴费 Payment" if r["what"] == "payment" else "争议 Dispute",
                names.get(r["contract_id"], ""),
                r["on"],
                named(L.INSTITUTION_STATUS, r["status"])
                if r["status"] != "not_registered"
                else "未登记 Not registered",
                f"{licence['licence_no']} 至 {licence['valid_to']}"
                + ("（已过期 expired）" if r["licence_expired"] else "")
                if licence
                else "无 none",
                text(supervision["mode"] if supervision else None),
                text(r["legitimate"]),
                str(r["position"]),
            )
        )
    return [
        Para("缴费与争议之日的机构状态 In force on each payment's and dispute's day", "subhead"),
        Grid(
            (
                "事项 Event",
                "合同",
                "日期 Day",
                "状态 Status",
                "许可证 Licence",
                "资金监管 Supervision",
                "合法经营 Legitimate",
                "位置 Pos.",
            ),
            rows,
            (0.11, 0.08, 0.12, 0.13, 0.24, 0.12, 0.11, 0.09),
            numeric=frozenset({7}),
        ),
    ]
