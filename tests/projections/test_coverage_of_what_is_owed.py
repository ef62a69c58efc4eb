"""Coverage = (escrow balance + risk reserve) ÷ unconsumed liability, and a terminated contract
owes its unconsumed fees until they are refunded (docs/domain.md §2, §4.10 ``risk.coverage``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from registry.domain.commands.contracts import RecordRefund, TerminateContract
from registry.domain.commands.institutions import EstablishFundSupervision
from tests.builders.contracts import shanghai

if TYPE_CHECKING:
    from conftest import Desk


def terminate(desk: Desk, contract_id: object) -> int:
    return desk.bank(
        TerminateContract(
            contract_id=contract_id,  # type: ignore[arg-type]
            by="guardian",
            reason="家长要求解除合同",
            terminated_on=date(2026, 3, 20),
        )
    ).position


def test_risk_coverage_keeps_a_terminated_contract_owed_until_it_is_refunded(desk: Desk) -> None:
    school = desk.legitimate()
    desk.pay(desk.contract(school), 432_000)
    outside = desk.contract(school, 10)
    desk.pay(outside, 90_000, into_supervised_account=False)
    assert desk.only("coverage")["status"] == "open"

    terminate(desk, outside)

    alert = desk.only("coverage")
    assert alert["status"] == "open", "terminating does not pay the family back"
    assert alert["metrics"]["unconsumed_fen"] == 522_000
    tracked = desk.services.views.refund_tracking(str(school))
    assert tracked["unconsumed_fen"] == 522_000
    assert tracked["open_contracts"] == 2

    refunded = desk.bank(
        RecordRefund(
            contract_id=outside, amount_fen=90_000, paid_at=shanghai("2026-03-21", "10:00")
        )
    )

    alert = desk.only("coverage")
    assert alert["status"] == "resolved"
    assert alert["resolved_position"] == refunded.position
    assert desk.services.views.refund_tracking(str(school))["open_contracts"] == 1


def test_risk_coverage_counts_the_deposited_risk_reserve_with_the_escrow(desk: Desk) -> None:
    school = desk.legitimate()
    desk.bureau(
        EstablishFundSupervision(
            institution_id=school,
            mode="risk_reserve",
            bank="中国工商银行北京海淀支行",
            account_no="0200004509200765432",
            agreement_no="海教监〔2025〕018号",
            reserve_fen=1_000_000,
        )
    )
    course = desk.contract(school, 40)
    desk.pay(course, 300_000, into_supervised_account=False)

    assert desk.alerts("coverage") == []
    tracked = desk.services.views.refund_tracking(str(school))
    assert tracked["reserve_fen"] == 1_000_000
    assert tracked["escrow_balance_fen"] == 0
    assert tracked["unconsumed_fen"] == 300_000
    assert tracked["coverage_ratio"] == round(1_000_000 / 300_000, 4)


def test_refund_tracking_shows_the_blocks_each_charge_bought(desk: Desk) -> None:
    school = desk.legitimate()
    course = desk.contract(school, 96)
    desk.pay(course, 432_000)
    desk.pay(course, 90_000, day="2026-04-01")
    desk.services.projector.run_once()

    row = desk.services.views.refund_tracking(str(school))["contracts"][0]
    assert row["blocks"] == [
        {"amount_fen": 432_000, "paid_lessons": 48, "gift_lessons": 0},
        {"amount_fen": 90_000, "paid_lessons": 10, "gift_lessons": 0},
    ]
