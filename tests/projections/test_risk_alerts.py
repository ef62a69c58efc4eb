"""Risk alerts for the district's regulators, raised and resolved from the log.

The bureau and the custody bank act through the Registry; the projector applies the log; the
alerts say which signal, how serious, by which rule and version, with the figures and the log
positions of the events behind them. Time-based signals are judged on the days the registry
reviewed, which are events too, so a rebuild long afterwards gives the very same rows.
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import select

from registry.bootstrap import Services
from registry.domain.clock import SHANGHAI, today
from registry.domain.errors import Forbidden, RuleViolation
from registry.domain.principal import SYSTEM, Principal
from registry.domain.rules import DEFAULT_RULE_PACK
from registry.domain.uscc import check_character
from registry.projections import refund_tracking as rt
from registry.projections import risk_alerts as risk
from registry.runner import ProjectorRunner

HAIDIAN = Principal(id="key-hd-jw", role="regulator", districts=("110108",), name="海淀区教委")
HAIDIAN_BANK = Principal(
    id="key-icbc-hd", role="feed", districts=("110108",), name="工商银行海淀支行资金监管接口"
)
ADMIN = Principal(id="key-admin", role="admin", name="市教委信息中心")
VERSION = DEFAULT_RULE_PACK.version


def credit_code(first17: str) -> str:
    return first17 + check_character(first17)


def shanghai(day: str, hh_mm: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hh_mm}").replace(tzinfo=SHANGHAI)


# -- the bureau and the bank at work ---------------------------------------------------------


def legitimate(services: Services, serial: int = 1, **licence: Any) -> UUID:
    """An arts school of 海淀区, licensed 2025-03-01 to 2028-02-29, under bank custody."""
    registry = services.registry
    institution_id = registry.register_institution(
        HAIDIAN,
        name=f"北京市海淀区七彩虹艺术培训学校有限公司（{serial}）",
        credit_code=credit_code(f"91110108MA01C8P{serial:02d}"),
        district_code="110108",
        address="北京市海淀区中关村大街27号中关村大厦3层",
        category="non_academic",
        subjects=["美术", "书法"],
        delivery="offline",
        legal_form="company",
        legal_representative="李秀英",
        icp_number=None,
    ).id
    registry.issue_licence(
        HAIDIAN,
        institution_id,
        licence_no=f"教民11101087000012{serial}号",
        approving_authority="北京市海淀区教育委员会",
        valid_from=licence.get("valid_from", date(2025, 3, 1)),
        valid_to=licence.get("valid_to", date(2028, 2, 29)),
    )
    registry.establish_fund_supervision(
        HAIDIAN,
        institution_id,
        mode="bank_custody",
        bank="中国工商银行北京海淀支行",
        account_no="0200004509200123456",
        agreement_no="海教监〔2025〕017号",
        reserve_fen=None,
    )
    return institution_id


def contract(services: Services, institution_id: UUID, paid_lessons: int = 48) -> UUID:
    """A course at 90 yuan a lesson (48 paid + 4 gift by default, domain-research.md §5.1)."""
    return services.registry.sign_contract(
        HAIDIAN_BANK,
        institution_id=institution_id,
        pupil_ref="pupil-2026-0417",
        guardian_name="王丽娟",
        guardian_phone="13911112222",
        course="少儿美术基础班（春季）",
        paid_lessons=paid_lessons,
        gift_lessons=4 if paid_lessons == 48 else 0,
        price_per_lesson_fen=9_000,
        start_date=date(2026, 3, 2),
        end_date=date(2026, 5, 31),
    ).id


def pay(
    services: Services,
    contract_id: UUID,
    amount_fen: int,
    *,
    into_supervised_account: bool = True,
    day: str = "2026-03-01",
) -> int:
    """The bank reports a fee; answers the position of the payment event itself."""
    services.registry.record_payment(
        HAIDIAN_BANK,
        contract_id,
        amount_fen=amount_fen,
        paid_at=shanghai(day),
        channel="微信支付" if into_supervised_account else "个人微信转账",
        into_supervised_account=into_supervised_account,
        lessons_covered=None,
        covers_until=None,
    )
    return position_of(services, contract_id, "PrepaidFeeCollected")


def position_of(services: Services, stream_id: UUID, event_type: str) -> int:
    """The position of the stream's last event of a type."""
    events = services.registry.event_log.events(stream_id, 0, 10_000)
    return [e.position for e in events if e.type == event_type][-1]


def order_overdue_rectification(services: Services, institution_id: UUID) -> tuple[str, int]:
    """An inspection finds fees not displayed; the order is due by 2025-07-01."""
    registry = services.registry
    inspection_id = registry.record_inspection(
        HAIDIAN,
        institution_id,
        inspected_on=date(2025, 6, 1),
        kind="routine",
        inspectors=["王强", "刘洋"],
        findings=[{"code": "F-01", "description": "未公示收费项目和标准", "severity": "minor"}],
        result="rectify",
    ).extra["inspection_id"]
    ordered = registry.order_rectification(
        HAIDIAN,
        institution_id,
        inspection_id=inspection_id,
        items=["在经营场所显著位置公示收费项目和标准"],
        issued_on=date(2025, 6, 1),
        deadline=date(2025, 7, 1),
    )
    return ordered.extra["order_id"], ordered.position


def verify(services: Services, institution_id: UUID, order_id: str, outcome: str) -> int:
    return services.registry.verify_rectification(
        HAIDIAN, institution_id, order_id=order_id, verified_on=date(2025, 7, 10), outcome=outcome
    ).position


def review(services: Services, day: date) -> int:
    result = services.registry.review_day(SYSTEM, day)
    assert result is not None
    return result.position


# -- reading the alerts ----------------------------------------------------------------------


def alerts(services: Services, signal: str | None = None) -> list[dict[str, Any]]:
    """Every alert after the projector caught up, oldest first."""
    services.projector.run_once()
    with services.engine.connect() as conn:
        query = select(risk.alerts).order_by(risk.alerts.c.raised_position, risk.alerts.c.id)
        if signal:
            query = query.where(risk.alerts.c.signal == signal)
        return [dict(r) for r in conn.execute(query).mappings()]


def only(services: Services, signal: str) -> dict[str, Any]:
    found = alerts(services, signal)
    assert len(found) == 1, found
    return found[0]


def risk_rows(services: Services) -> dict[str, list[dict[str, Any]]]:
    """Every row of every risk table, by primary key."""
    rows = {}
    with services.engine.connect() as conn:
        for table in risk.RiskAlerts.tables:
            order = list(table.primary_key.columns)
            rows[table.name] = [
                dict(r) for r in conn.execute(select(table).order_by(*order)).mappings()
            ]
    return rows


# -- coverage --------------------------------------------------------------------------------


def test_fees_paid_outside_the_supervised_account_lower_coverage_to_yellow(
    services: Services,
) -> None:
    school = legitimate(services)
    pay(services, contract(services, school), 432_000)
    assert alerts(services, "coverage") == []

    outside = pay(services, contract(services, school, 10), 90_000, into_supervised_account=False)

    alert = only(services, "coverage")
    assert alert["level"] == "yellow"
    assert alert["status"] == "open"
    assert alert["institution_id"] == str(school)
    assert alert["district_code"] == "110108"
    assert (alert["rule"], alert["rule_version"]) == ("risk.coverage", VERSION)
    assert alert["metrics"] == {
        "coverage_ratio": 0.8276,
        "escrow_balance_fen": 432_000,
        "unconsumed_fen": 522_000,
    }
    assert alert["event_positions"] == [outside]
    assert alert["raised_position"] == outside


def test_coverage_turns_red_below_eight_tenths_in_the_same_alert(services: Services) -> None:
    school = legitimate(services)
    pay(services, contract(services, school), 432_000)
    first = pay(services, contract(services, school, 10), 90_000, into_supervised_account=False)
    alerts(services)

    second = pay(services, contract(services, school, 6), 50_000, into_supervised_account=False)

    alert = only(services, "coverage")
    assert alert["level"] == "red"
    assert alert["event_positions"] == [first, second]
    assert alert["metrics"]["coverage_ratio"] == 0.7552


def test_a_release_that_leaves_escrow_below_eight_tenths_of_what_is_owed_is_red(
    services: Services,
) -> None:
    school = legitimate(services)
    course = contract(services, school)
    pay(services, course, 432_000)
    pay(services, contract(services, school, 10), 90_000, into_supervised_account=False)
    services.registry.record_consumption(
        HAIDIAN_BANK,
        course,
        lessons=20,
        starts_at=shanghai("2026-03-10", "16:00"),
        ends_at=shanghai("2026-03-10", "19:00"),
        delivery="offline",
    )
    yellow = only(services, "coverage")
    assert yellow["status"] == "resolved", "20 lessons taught lower what is owed: covered again"

    released = services.registry.release_escrow(HAIDIAN_BANK, course, amount_fen=166_153)

    red = [a for a in alerts(services, "coverage") if a["status"] == "open"]
    assert len(red) == 1
    assert red[0]["level"] == "red"
    assert red[0]["event_positions"] == [released.position]
    assert red[0]["metrics"] == {
        "coverage_ratio": 0.7471,
        "escrow_balance_fen": 265_847,
        "unconsumed_fen": 355_846,
    }


def test_coverage_resolves_when_the_fees_paid_outside_are_refunded(services: Services) -> None:
    school = legitimate(services)
    pay(services, contract(services, school), 432_000)
    outside = contract(services, school, 10)
    pay(services, outside, 90_000, into_supervised_account=False)
    assert only(services, "coverage")["status"] == "open"

    refunded = services.registry.record_refund(
        HAIDIAN_BANK, outside, amount_fen=90_000, paid_at=shanghai("2026-03-05")
    )

    alert = only(services, "coverage")
    assert alert["status"] == "resolved"
    assert alert["resolved_position"] == refunded.position
    assert alert["resolved_at"] is not None
    assert alert["metrics"]["coverage_ratio"] == 1.0


def test_escrow_holds_only_the_fees_paid_into_the_supervised_account(services: Services) -> None:
    school = legitimate(services)
    inside, outside = contract(services, school), contract(services, school, 10)
    pay(services, inside, 432_000)
    pay(services, outside, 90_000, into_supervised_account=False)
    services.registry.record_refund(
        HAIDIAN_BANK, outside, amount_fen=30_000, paid_at=shanghai("2026-03-05")
    )
    services.projector.run_once()

    tracked = services.views.refund_tracking(str(school))

    figures = {c["contract_id"]: c for c in tracked["contracts"]}
    assert figures[str(inside)]["escrow_balance_fen"] == 432_000
    assert figures[str(outside)]["escrow_balance_fen"] == 0, "the school refunded from its own"
    assert tracked["escrow_balance_fen"] == 432_000
    assert tracked["unconsumed_fen"] == 492_000
    with services.engine.connect() as conn:
        row = conn.execute(
            select(rt.contracts).where(rt.contracts.c.contract_id == str(outside))
        ).one()
    assert (row.collected_fen, row.supervised_fen) == (90_000, 0)


# -- compliance breaches ---------------------------------------------------------------------


def test_a_fee_paid_outside_the_supervised_account_is_a_red_breach_alert(
    services: Services,
) -> None:
    school = legitimate(services)
    course = contract(services, school, 10)

    paid = pay(services, course, 90_000, into_supervised_account=False)

    alert = only(services, "compliance_breach")
    breach = position_of(services, course, "ComplianceBreachDetected")
    assert alert["level"] == "red"
    assert (alert["rule"], alert["rule_version"]) == ("prepaid.supervised_account", VERSION)
    assert alert["subject"] == str(course)
    assert alert["event_positions"] == [paid, breach]
    assert alert["metrics"] == {
        "contract_id": str(course),
        "detail": "paid outside the supervised account",
    }
    assert alert["status"] == "open"


def test_a_lesson_ending_after_half_past_eight_is_a_yellow_breach_alert(
    services: Services,
) -> None:
    school = legitimate(services)
    course = contract(services, school)
    pay(services, course, 432_000)

    services.registry.record_consumption(
        HAIDIAN_BANK,
        course,
        lessons=1,
        starts_at=shanghai("2026-03-10", "19:30"),
        ends_at=shanghai("2026-03-10", "21:00"),
        delivery="offline",
    )

    alert = only(services, "compliance_breach")
    assert alert["level"] == "yellow"
    assert alert["rule"] == "lessons.offline_latest_end"
    assert alert["event_positions"] == [
        position_of(services, course, "LessonsConsumed"),
        position_of(services, course, "ComplianceBreachDetected"),
    ]


def test_every_breach_of_one_payment_is_an_alert_of_its_own(services: Services) -> None:
    school = legitimate(services)
    course = contract(services, school, 60)
    services.registry.suspend_enrolment(
        HAIDIAN,
        school,
        decision_no="海教罚决字〔2026〕第017号",
        reason="未按要求公示收费标准",
        effective_from=date(2026, 3, 1),
    )

    pay(services, course, 540_000, into_supervised_account=False)

    found = alerts(services, "compliance_breach")
    assert sorted((a["rule"], a["level"]) for a in found) == [
        ("prepaid.institution_operating", "red"),
        ("prepaid.max_amount", "yellow"),
        ("prepaid.supervised_account", "red"),
    ]
    assert len({a["id"] for a in found}) == 3


# -- rectification overdue -------------------------------------------------------------------


def test_an_order_past_its_deadline_is_red_from_the_day_after_the_deadline(
    services: Services,
) -> None:
    school = legitimate(services)
    order_id, ordered = order_overdue_rectification(services, school)
    review(services, date(2025, 7, 1))
    assert alerts(services, "rectification_overdue") == [], "due today is not yet overdue"

    reviewed = review(services, date(2025, 7, 2))

    alert = only(services, "rectification_overdue")
    assert alert["level"] == "red"
    assert alert["subject"] == order_id
    assert (alert["rule"], alert["rule_version"]) == ("risk.rectification_overdue", VERSION)
    assert alert["event_positions"] == [ordered, reviewed]
    assert alert["metrics"] == {
        "order_id": order_id,
        "deadline": "2025-07-01",
        "reviewed_on": "2025-07-02",
        "days_overdue": 1,
    }


def test_an_overdue_order_is_resolved_by_its_verification_as_completed(
    services: Services,
) -> None:
    school = legitimate(services)
    order_id, _ = order_overdue_rectification(services, school)
    review(services, date(2025, 7, 5))
    verify(services, school, order_id, "failed")
    review(services, date(2025, 7, 8))
    alert = only(services, "rectification_overdue")
    assert alert["status"] == "open", "a failed verification leaves the order open"
    assert alert["metrics"]["days_overdue"] == 7

    verified = verify(services, school, order_id, "completed")

    alert = only(services, "rectification_overdue")
    assert alert["status"] == "resolved"
    assert alert["resolved_position"] == verified
    review(services, date(2025, 7, 9))
    assert len(alerts(services, "rectification_overdue")) == 1, "nothing raised again"


# -- licence expiring ------------------------------------------------------------------------


def test_a_licence_ending_within_sixty_days_is_yellow_and_red_once_ended(
    services: Services,
) -> None:
    school = legitimate(services)
    issued = position_of(services, school, "LicenceIssued")
    review(services, date(2027, 12, 30))
    assert alerts(services, "licence_expiring") == [], "61 days left"

    first = review(services, date(2027, 12, 31))
    alert = only(services, "licence_expiring")
    assert alert["level"] == "yellow"
    assert alert["subject"] == "教民111010870000121号"
    assert alert["event_positions"] == [issued, first]
    assert alert["metrics"]["days_left"] == 60

    ended = review(services, date(2028, 3, 1))
    alert = only(services, "licence_expiring")
    assert alert["level"] == "red"
    assert alert["event_positions"] == [issued, first, ended]
    assert alert["metrics"] == {
        "licence_no": "教民111010870000121号",
        "valid_to": "2028-02-29",
        "reviewed_on": "2028-03-01",
        "days_left": -1,
    }


def test_a_renewal_beyond_the_window_resolves_the_licence_alert(services: Services) -> None:
    school = legitimate(services)
    review(services, date(2028, 1, 15))
    assert only(services, "licence_expiring")["status"] == "open"

    renewed = services.registry.renew_licence(HAIDIAN, school, valid_to=date(2031, 2, 28))

    alert = only(services, "licence_expiring")
    assert alert["status"] == "resolved"
    assert alert["resolved_position"] == renewed.position
    review(services, date(2028, 1, 16))
    assert len(alerts(services, "licence_expiring")) == 1


def test_a_revoked_licence_no_longer_expires(services: Services) -> None:
    school = legitimate(services)
    review(services, date(2028, 1, 15))

    revoked = services.registry.revoke_licence(
        HAIDIAN,
        school,
        decision_no="海教罚决字〔2028〕第003号",
        reason="擅自开展学科类培训，情节严重",
        notice_served_on=date(2028, 1, 16),
        effective_on=date(2028, 2, 1),
    )

    alert = only(services, "licence_expiring")
    assert (alert["status"], alert["resolved_position"]) == ("resolved", revoked.position)
    review(services, date(2028, 3, 2))
    assert len(alerts(services, "licence_expiring")) == 1


# -- abnormal closure and inflow spikes ------------------------------------------------------


def test_an_abnormal_closure_is_a_red_alert_at_once(services: Services) -> None:
    school = legitimate(services)
    pay(services, contract(services, school), 432_000)

    ceased = services.registry.cease_operations(
        HAIDIAN, school, kind="abnormal", ceased_on=date(2026, 4, 1), reason="负责人失联，门店关闭"
    )

    alert = only(services, "abnormal_closure")
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


def test_a_voluntary_closure_raises_nothing(services: Services) -> None:
    school = legitimate(services)

    services.registry.cease_operations(
        HAIDIAN, school, kind="voluntary", ceased_on=date(2026, 4, 1), reason="经营困难"
    )

    assert alerts(services, "abnormal_closure") == []


def test_thirty_days_of_fees_over_twice_the_trailing_monthly_average_is_a_spike(
    services: Services,
) -> None:
    school = legitimate(services)
    pay(services, contract(services, school, 10), 90_000, day="2026-04-01")
    pay(services, contract(services, school, 6), 50_000, day="2026-06-20")
    assert alerts(services, "prepaid_inflow_spike") == [], "50,000 is under 2 × 30,000"

    spiking = pay(services, contract(services, school, 3), 20_000, day="2026-06-25")

    alert = only(services, "prepaid_inflow_spike")
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


def test_a_spike_resolves_once_the_days_reviewed_leave_it_behind(services: Services) -> None:
    school = legitimate(services)
    pay(services, contract(services, school, 10), 90_000, day="2026-04-01")
    pay(services, contract(services, school, 8), 70_000, day="2026-06-25")
    assert only(services, "prepaid_inflow_spike")["status"] == "open"

    review(services, date(2026, 7, 20))
    assert only(services, "prepaid_inflow_spike")["status"] == "open"
    reviewed = review(services, date(2026, 7, 25))

    alert = only(services, "prepaid_inflow_spike")
    assert (alert["status"], alert["resolved_position"]) == ("resolved", reviewed)
    assert alert["metrics"]["window_fen"] == 0


def test_no_spike_without_a_trailing_average(services: Services) -> None:
    school = legitimate(services)

    pay(services, contract(services, school), 432_000, day="2026-06-25")

    assert alerts(services, "prepaid_inflow_spike") == []


# -- complaint surges ------------------------------------------------------------------------


def complain(services: Services, institution_id: UUID, families: int) -> list[int]:
    """``families`` families each open a refund case over a contract of their own; answers
    the positions of the cases opened (recorded today)."""
    positions = []
    for _ in range(families):
        course = contract(services, institution_id, 10)
        case_id = services.registry.open_refund_case(
            HAIDIAN,
            institution_id=institution_id,
            contract_ids=[course],
            claimant_name="王丽娟",
            claimant_phone="13911112222",
            source="complaint",
            claim_fen=90_000,
        ).id
        positions.append(position_of(services, case_id, "RefundCaseOpened"))
    return positions


def test_five_refund_complaints_in_a_week_with_none_before_are_a_surge(
    services: Services,
) -> None:
    school = legitimate(services)
    complain(services, school, 4)
    assert alerts(services, "complaint_surge") == [], "four cases are under five"

    fifth = complain(services, school, 1)[0]

    alert = only(services, "complaint_surge")
    assert (alert["level"], alert["rule"], alert["rule_version"]) == (
        "yellow",
        "risk.complaint_surge",
        VERSION,
    )
    assert alert["event_positions"] == [fifth]
    assert alert["metrics"]["window_cases"] == 5
    assert alert["metrics"]["trailing_cases"] == 0
    assert alert["metrics"]["window_to"] == today().isoformat()


def test_a_complaint_surge_resolves_once_the_days_reviewed_leave_it_behind(
    services: Services,
) -> None:
    school = legitimate(services)
    complain(services, school, 5)
    week_later = date.fromordinal(today().toordinal() + 6)
    review(services, week_later)
    assert only(services, "complaint_surge")["status"] == "open", "still inside the 7 days"

    reviewed = review(services, date.fromordinal(today().toordinal() + 7))

    alert = only(services, "complaint_surge")
    assert (alert["status"], alert["resolved_position"]) == ("resolved", reviewed)
    assert alert["metrics"]["window_cases"] == 0


def test_complaints_at_another_institution_do_not_add_up(services: Services) -> None:
    complain(services, legitimate(services, 1), 3)
    complain(services, legitimate(services, 2), 3)

    assert alerts(services, "complaint_surge") == []


# -- replay ----------------------------------------------------------------------------------


def a_troubled_year(services: Services) -> None:
    """Every signal of the module raised, re-levelled and resolved, in batches of three events."""
    services.projector.batch_size = 3
    registry = services.registry
    school = legitimate(services, 1)
    other = legitimate(services, 2, valid_to=date(2027, 12, 31))
    pay(services, contract(services, school), 432_000, day="2025-03-02")
    outside = contract(services, school, 10)
    pay(services, outside, 90_000, into_supervised_account=False, day="2025-06-10")
    alerts(services)
    third = contract(services, school, 6)
    pay(services, third, 50_000, into_supervised_account=False, day="2025-06-11")
    pay(services, contract(services, school, 30), 250_000, day="2025-06-12")
    alerts(services)
    order_id, _ = order_overdue_rectification(services, school)
    review(services, date(2025, 7, 3))
    alerts(services)
    for course, amount in ((outside, 90_000), (third, 50_000)):
        registry.record_refund(
            HAIDIAN_BANK, course, amount_fen=amount, paid_at=shanghai("2025-07-04")
        )
    verify(services, school, order_id, "completed")
    complain(services, school, 5)  # recorded today, after the last day reviewed
    alerts(services)
    review(services, date(2028, 1, 10))
    registry.renew_licence(HAIDIAN, other, valid_to=date(2028, 2, 1))
    review(services, date(2028, 2, 5))
    alerts(services)
    registry.cease_operations(
        HAIDIAN, school, kind="abnormal", ceased_on=date(2028, 2, 6), reason="负责人失联"
    )
    alerts(services)


def test_a_rebuild_gives_the_same_rows_as_the_incremental_build(services: Services) -> None:
    a_troubled_year(services)
    built = risk_rows(services)
    signals = {(a["signal"], a["status"]) for a in built["risk_alerts"]}
    assert {s for s, _ in signals} == set(risk.SIGNALS)
    assert {
        ("coverage", "resolved"),
        ("prepaid_inflow_spike", "resolved"),
        ("rectification_overdue", "resolved"),
        ("licence_expiring", "resolved"),
        ("licence_expiring", "open"),
        ("complaint_surge", "resolved"),
    } <= signals
    assert built["risk_inflows"] == [], "every day of inflow has left the windows"
    assert built["risk_complaints"] == [], "every complaint has left the windows"

    services.projector.batch_size = 2000
    services.projector.rebuild("risk_alerts")

    assert risk_rows(services) == built


def test_a_replay_long_after_judges_the_days_the_registry_reviewed(services: Services) -> None:
    school = legitimate(services)
    order_overdue_rectification(services, school)
    reviewed = review(services, date(2025, 7, 2))
    before = only(services, "rectification_overdue")

    services.projector.rebuild("risk_alerts")

    after = only(services, "rectification_overdue")
    assert after == before
    assert after["metrics"]["reviewed_on"] == "2025-07-02", f"not {today()}"
    assert after["raised_position"] == reviewed


# -- the registry's clock --------------------------------------------------------------------


def test_the_registry_reviews_each_day_once_and_only_forward(services: Services) -> None:
    registry = services.registry
    assert registry.last_reviewed_day() is None
    assert registry.review_day(SYSTEM, date(2026, 3, 1)) is not None
    head = registry.recorder.max_notification_id()

    assert registry.review_day(SYSTEM, date(2026, 3, 1)) is None
    with pytest.raises(RuleViolation) as refused:
        registry.review_day(SYSTEM, date(2026, 2, 28))

    assert refused.value.rule == "clock.forward_only"
    assert registry.recorder.max_notification_id() == head
    assert registry.review_day(ADMIN, date(2026, 3, 2)) is not None
    assert registry.last_reviewed_day() == date(2026, 3, 2)


def test_a_regulator_may_not_move_the_registry_clock(services: Services) -> None:
    with pytest.raises(Forbidden):
        services.registry.review_day(HAIDIAN, date(2026, 3, 1))

    assert services.registry.last_reviewed_day() is None


def test_the_projector_runner_records_today_once(services: Services) -> None:
    runner = ProjectorRunner(services)

    runner.review_today()
    head = services.registry.recorder.max_notification_id()
    runner.review_today()
    ProjectorRunner(services).review_today()

    assert services.registry.last_reviewed_day() == today()
    assert services.registry.recorder.max_notification_id() == head
