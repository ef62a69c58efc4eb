"""Risk alerts on the money: coverage, compliance breaches, inflow spikes, abnormal closure.

The bureau and the custody bank act through the registry; the projector applies the log; the
alerts say which signal, how serious, by which rule and version, with the figures and the log
positions of the events behind them. SQLite and PostgreSQL alike. The signals judged on the days
the registry reviewed are in ``test_risk_alerts_by_day``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from registry.domain.clock import SHANGHAI
from registry.domain.commands.contracts import RecordConsumption, RecordRefund, ReleaseEscrow
from registry.domain.commands.institutions import CeaseOperations, SuspendEnrolment
from registry.domain.events import ComplianceBreachDetected, LessonsConsumed
from registry.domain.rules import DEFAULT_RULE_PACK
from registry.projections import refund_tracking as rt

if TYPE_CHECKING:
    from conftest import Desk

VERSION = DEFAULT_RULE_PACK.version


def shanghai(day: str, hh_mm: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hh_mm}").replace(tzinfo=SHANGHAI)


# -- coverage --------------------------------------------------------------------------------


def test_fees_paid_outside_the_supervised_account_lower_coverage_to_yellow(desk: Desk) -> None:
    school = desk.legitimate()
    desk.pay(desk.contract(school), 432_000)
    assert desk.alerts("coverage") == []

    outside = desk.pay(desk.contract(school, 10), 90_000, into_supervised_account=False)

    alert = desk.only("coverage")
    assert alert["level"] == "yellow"
    assert alert["status"] == "open"
    assert alert["institution_id"] == str(school)
    assert alert["district_code"] == "110108"
    assert (alert["rule"], alert["rule_version"]) == ("risk.coverage", VERSION)
    assert alert["metrics"] == {
        "coverage_ratio": 0.8276,
        "escrow_balance_fen": 432_000,
        "reserve_fen": 0,
        "unconsumed_fen": 522_000,
    }
    assert alert["event_positions"] == [outside]
    assert alert["raised_position"] == outside


def test_coverage_turns_red_below_eight_tenths_in_the_same_alert(desk: Desk) -> None:
    school = desk.legitimate()
    desk.pay(desk.contract(school), 432_000)
    first = desk.pay(desk.contract(school, 10), 90_000, into_supervised_account=False)
    desk.alerts()

    second = desk.pay(desk.contract(school, 6), 50_000, into_supervised_account=False)

    alert = desk.only("coverage")
    assert alert["level"] == "red"
    assert alert["event_positions"] == [first, second]
    assert alert["metrics"]["coverage_ratio"] == 0.7552


def test_a_release_that_leaves_escrow_below_eight_tenths_of_what_is_owed_is_red(desk: Desk) -> None:
    school = desk.legitimate()
    course = desk.contract(school)
    desk.pay(course, 432_000)
    desk.pay(desk.contract(school, 10), 90_000, into_supervised_account=False)
    desk.bank(
        RecordConsumption(
            contract_id=course,
            lessons=20,
            starts_at=shanghai("2026-03-10", "16:00"),
            ends_at=shanghai("2026-03-10", "19:00"),
            delivery="offline",
        )
    )
    yellow = desk.only("coverage")
    assert yellow["status"] == "resolved", "20 lessons taught lower what is owed: covered again"

    released = desk.bank(ReleaseEscrow(contract_id=course, amount_fen=166_153))

    red = [a for a in desk.alerts("coverage") if a["status"] == "open"]
    assert len(red) == 1
    assert red[0]["level"] == "red"
    assert red[0]["event_positions"] == [released.position]
    assert red[0]["metrics"] == {
        "coverage_ratio": 0.7471,
        "escrow_balance_fen": 265_847,
        "reserve_fen": 0,
        "unconsumed_fen": 355_846,
    }


def test_coverage_resolves_when_the_fees_paid_outside_are_refunded(desk: Desk) -> None:
    school = desk.legitimate()
    desk.pay(desk.contract(school), 432_000)
    outside = desk.contract(school, 10)
    desk.pay(outside, 90_000, into_supervised_account=False)
    assert desk.only("coverage")["status"] == "open"

    refunded = desk.bank(
        RecordRefund(contract_id=outside, amount_fen=90_000, paid_at=shanghai("2026-03-05"))
    )

    alert = desk.only("coverage")
    assert alert["status"] == "resolved"
    assert alert["resolved_position"] == refunded.position
    assert alert["resolved_at"] is not None
    assert alert["metrics"]["coverage_ratio"] == 1.0


def test_escrow_holds_only_the_fees_paid_into_the_supervised_account(desk: Desk) -> None:
    school = desk.legitimate()
    inside, outside = desk.contract(school), desk.contract(school, 10)
    desk.pay(inside, 432_000)
    desk.pay(outside, 90_000, into_supervised_account=False)
    desk.bank(RecordRefund(contract_id=outside, amount_fen=30_000, paid_at=shanghai("2026-03-05")))
    desk.services.projector.run_once()

    tracked = desk.services.views.refund_tracking(str(school))

    figures = {c["contract_id"]: c for c in tracked["contracts"]}
    assert figures[str(inside)]["escrow_balance_fen"] == 432_000
    assert figures[str(outside)]["escrow_balance_fen"] == 0, "the school refunded from its own"
    assert tracked["escrow_balance_fen"] == 432_000
    assert tracked["unconsumed_fen"] == 492_000
    with desk.services.engine.connect() as conn:
        row = conn.execute(
            select(rt.contracts).where(rt.contracts.c.contract_id == str(outside))
        ).one()
    assert (row.collected_fen, row.supervised_fen) == (90_000, 0)


# -- compliance breaches ---------------------------------------------------------------------


def test_a_fee_paid_outside_the_supervised_account_is_a_red_breach_alert(desk: Desk) -> None:
    school = desk.legitimate()
    course = desk.contract(school, 10)

    paid = desk.pay(course, 90_000, into_supervised_account=False)

    alert = desk.only("compliance_breach")
    breach = desk.position_of(course, ComplianceBreachDetected)
    assert alert["level"] == "red"
    assert (alert["rule"], alert["rule_version"]) == ("prepaid.supervised_account", VERSION)
    assert alert["subject"] == str(course)
    assert alert["event_positions"] == [paid, breach]
    assert alert["metrics"] == {
        "contract_id": str(course),
        "detail": "paid outside the supervised account",
    }
    assert alert["status"] == "open"


def test_a_lesson_ending_after_half_past_eight_is_a_yellow_breach_alert(desk: Desk) -> None:
    school = desk.legitimate()
    course = desk.contract(school)
    desk.pay(course, 432_000)

    desk.bank(
        RecordConsumption(
            contract_id=course,
            lessons=1,
            starts_at=shanghai("2026-03-10", "19:30"),
            ends_at=shanghai("2026-03-10", "21:00"),
            delivery="offline",
        )
    )

    alert = desk.only("compliance_breach")
    assert alert["level"] == "yellow"
    assert alert["rule"] == "lessons.offline_latest_end"
    assert alert["event_positions"] == [
        desk.position_of(course, LessonsConsumed),
        desk.position_of(course, ComplianceBreachDetected),
    ]


def test_every_breach_of_one_payment_is_an_alert_of_its_own(desk: Desk) -> None:
    school = desk.legitimate()
    course = desk.contract(school, 60)
    desk.bureau(
        SuspendEnrolment(
            institution_id=school,
            decision_no="海教罚决字〔2026〕第017号",
            reason="未按要求公示收费标准",
            effective_from=date(2026, 3, 1),
        )
    )

    desk.pay(course, 540_000, into_supervised_account=False)

    found = desk.alerts("compliance_breach")
    assert sorted((a["rule"], a["level"]) for a in found) == [
        ("prepaid.institution_operating", "red"),
        ("prepaid.max_amount", "yellow"),
        ("prepaid.supervised_account", "red"),
    ]
    assert len({a["id"] for a in found}) == 3


# -- abnormal closure and inflow spikes ------------------------------------------------------


def test_an_abnormal_closure_is_a_red_alert_at_once(desk: Desk) -> None:
    school = desk.legitimate()
    desk.pay(desk.contract(school), 432_000)

    ceased = desk.bureau(
        CeaseOperations(
            institution_id=school,
            kind="abnormal",
            ceased_on=date(2026, 4, 1),
            reason="负责人失联，门店关闭",
        )
    )

    alert = desk.only("abnormal_closure")
    assert alert["level"] == "red"
    assert alert["rule"] == "risk.abnormal_closure"
    assert alert["event_positions"] == [ceased.position]
    assert alert["metrics"] == {
        "ceased_on": "2026-04-01",
        "reason": "负责人失联，门店关闭",
        "escrow_balance_fen": 432_000,
        "unconsumed_fen": 432_000,
    }
    assert alert["status"] == "open"


def test_a_voluntary_closure_raises_nothing(desk: Desk) -> None:
    school = desk.legitimate()

    desk.bureau(
        CeaseOperations(
            institution_id=school, kind="voluntary", ceased_on=date(2026, 4, 1), reason="经营困难"
        )
    )

    assert desk.alerts("abnormal_closure") == []


def test_thirty_days_of_fees_over_twice_the_trailing_monthly_average_is_a_spike(desk: Desk) -> None:
    school = desk.legitimate()
    desk.pay(desk.contract(school, 10), 90_000, day="2026-04-01")
    desk.pay(desk.contract(school, 6), 50_000, day="2026-06-20")
    assert desk.alerts("prepaid_inflow_spike") == [], "50,000 is under 2 × 30,000"

    spiking = desk.pay(desk.contract(school, 3), 20_000, day="2026-06-25")

    alert = desk.only("prepaid_inflow_spike")
    assert (alert["level"], alert["rule"]) == ("yellow", "risk.prepaid_inflow_spike")
    assert alert["event_positions"] == [spiking]
    assert alert["metrics"] == {
        "window_from": "2026-05-27",
        "window_to": "2026-06-25",
        "window_fen": 70_000,
        "trailing_from": "2026-02-26",
        "trailing_fen": 90_000,
        "trailing_monthly_average_fen": 30_000,
        "ratio": 2.3333,
    }


def test_a_spike_resolves_once_the_days_reviewed_leave_it_behind(desk: Desk) -> None:
    school = desk.legitimate()
    desk.pay(desk.contract(school, 10), 90_000, day="2026-04-01")
    desk.pay(desk.contract(school, 8), 70_000, day="2026-06-25")
    assert desk.only("prepaid_inflow_spike")["status"] == "open"

    desk.review(date(2026, 7, 20))
    assert desk.only("prepaid_inflow_spike")["status"] == "open"
    reviewed = desk.review(date(2026, 7, 25))

    alert = desk.only("prepaid_inflow_spike")
    assert (alert["status"], alert["resolved_position"]) == ("resolved", reviewed)
    assert alert["metrics"]["window_fen"] == 0


def test_no_spike_without_a_trailing_average(desk: Desk) -> None:
    school = desk.legitimate()

    desk.pay(desk.contract(school), 432_000, day="2026-06-25")

    assert desk.alerts("prepaid_inflow_spike") == []
