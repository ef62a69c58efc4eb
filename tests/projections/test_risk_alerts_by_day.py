"""Risk alerts judged on the days the registry reviewed: overdue rectification, expiring
licences, complaint surges; and replays that judge the same days again.

Time enters the alerts only through the registry's clock (``DayReviewed`` events), so a rebuild
long afterwards gives the very same rows. SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import pytest

from registry.bootstrap import Services
from registry.domain.clock import SHANGHAI, today
from registry.domain.commands.contracts import RecordRefund
from registry.domain.commands.institutions import (
    CeaseOperations,
    EndFundSupervision,
    RenewLicence,
    RevokeLicence,
)
from registry.domain.errors import Forbidden, RuleViolation
from registry.domain.events import LicenceIssued
from registry.domain.principal import SYSTEM, Principal
from registry.domain.rules import DEFAULT_RULE_PACK
from registry.projections import risk_alerts as risk
from registry.runner import ProjectorRunner

if TYPE_CHECKING:
    from conftest import Desk

ADMIN = Principal(id="key-admin", role="admin", name="市教委信息中心")
VERSION = DEFAULT_RULE_PACK.version


def shanghai(day: str, hh_mm: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hh_mm}").replace(tzinfo=SHANGHAI)


# -- rectification overdue -------------------------------------------------------------------


def test_an_order_past_its_deadline_is_red_from_the_day_after_the_deadline(desk: Desk) -> None:
    school = desk.legitimate()
    order_id, ordered = desk.order_overdue_rectification(school)
    desk.review(date(2025, 7, 1))
    assert desk.alerts("rectification_overdue") == [], "due today is not yet overdue"

    reviewed = desk.review(date(2025, 7, 2))

    alert = desk.only("rectification_overdue")
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


def test_an_overdue_order_is_resolved_by_its_verification_as_completed(desk: Desk) -> None:
    school = desk.legitimate()
    order_id, _ = desk.order_overdue_rectification(school)
    desk.review(date(2025, 7, 5))
    desk.verify(school, order_id, "failed")
    desk.review(date(2025, 7, 8))
    alert = desk.only("rectification_overdue")
    assert alert["status"] == "open", "a failed verification leaves the order open"
    assert alert["metrics"]["days_overdue"] == 7

    verified = desk.verify(school, order_id, "completed")

    alert = desk.only("rectification_overdue")
    assert alert["status"] == "resolved"
    assert alert["resolved_position"] == verified
    desk.review(date(2025, 7, 9))
    assert len(desk.alerts("rectification_overdue")) == 1, "nothing raised again"


# -- licence expiring ------------------------------------------------------------------------


def test_a_licence_ending_within_sixty_days_is_yellow_and_red_once_ended(desk: Desk) -> None:
    school = desk.legitimate()
    issued = desk.position_of(school, LicenceIssued)
    desk.review(date(2027, 12, 30))
    assert desk.alerts("licence_expiring") == [], "61 days left"

    first = desk.review(date(2027, 12, 31))
    alert = desk.only("licence_expiring")
    assert alert["level"] == "yellow"
    assert alert["subject"] == "教民111010870000121号"
    assert alert["event_positions"] == [issued, first]
    assert alert["metrics"]["days_left"] == 60

    ended = desk.review(date(2028, 3, 1))
    alert = desk.only("licence_expiring")
    assert alert["level"] == "red"
    assert alert["event_positions"] == [issued, first, ended]
    assert alert["metrics"] == {
        "licence_no": "教民111010870000121号",
        "valid_to": "2028-02-29",
        "reviewed_on": "2028-03-01",
        "days_left": -1,
    }


def test_a_renewal_beyond_the_window_resolves_the_licence_alert(desk: Desk) -> None:
    school = desk.legitimate()
    desk.review(date(2028, 1, 15))
    assert desk.only("licence_expiring")["status"] == "open"

    renewed = desk.bureau(RenewLicence(institution_id=school, valid_to=date(2031, 2, 28)))

    alert = desk.only("licence_expiring")
    assert alert["status"] == "resolved"
    assert alert["resolved_position"] == renewed.position
    desk.review(date(2028, 1, 16))
    assert len(desk.alerts("licence_expiring")) == 1


def test_a_licence_revoked_from_a_later_day_stops_expiring_on_that_day_not_before(
    desk: Desk,
) -> None:
    school = desk.legitimate()
    desk.review(date(2028, 1, 15))

    desk.bureau(
        RevokeLicence(
            institution_id=school,
            decision_no="海教罚决字〔2028〕第003号",
            reason="擅自开展学科类培训，情节严重",
            notice_served_on=date(2028, 1, 16),
            effective_on=date(2028, 2, 1),
        )
    )

    assert desk.only("licence_expiring")["status"] == "open", "still licensed until February"
    desk.review(date(2028, 1, 31))
    assert desk.only("licence_expiring")["status"] == "open"
    in_force = desk.review(date(2028, 2, 1))
    alert = desk.only("licence_expiring")
    assert (alert["status"], alert["resolved_position"]) == ("resolved", in_force)
    desk.review(date(2028, 3, 2))
    assert len(desk.alerts("licence_expiring")) == 1


def test_a_back_dated_revocation_ends_the_licence_alerts_at_once(desk: Desk) -> None:
    school = desk.legitimate()
    desk.review(date(2028, 1, 15))

    revoked = desk.bureau(
        RevokeLicence(
            institution_id=school,
            decision_no="海教罚决字〔2028〕第004号",
            reason="擅自开展学科类培训，情节严重",
            notice_served_on=date(2028, 1, 2),
            effective_on=date(2028, 1, 10),
        )
    )

    alert = desk.only("licence_expiring")
    assert (alert["status"], alert["resolved_position"]) == ("resolved", revoked.position)


# -- complaint surges ------------------------------------------------------------------------


def test_five_refund_complaints_in_a_week_with_none_before_are_a_surge(desk: Desk) -> None:
    school = desk.legitimate()
    desk.complain(school, 4)
    assert desk.alerts("complaint_surge") == [], "four cases are under five"

    fifth = desk.complain(school, 1)[0]

    alert = desk.only("complaint_surge")
    assert (alert["level"], alert["rule"], alert["rule_version"]) == (
        "yellow",
        "risk.complaint_surge",
        VERSION,
    )
    assert alert["event_positions"] == [fifth]
    assert alert["metrics"]["window_cases"] == 5
    assert alert["metrics"]["trailing_cases"] == 0
    assert alert["metrics"]["window_to"] == today().isoformat()


def test_a_complaint_surge_resolves_once_the_days_reviewed_leave_it_behind(desk: Desk) -> None:
    school = desk.legitimate()
    desk.complain(school, 5)
    week_later = date.fromordinal(today().toordinal() + 6)
    desk.review(week_later)
    assert desk.only("complaint_surge")["status"] == "open", "still inside the 7 days"

    reviewed = desk.review(date.fromordinal(today().toordinal() + 7))

    alert = desk.only("complaint_surge")
    assert (alert["status"], alert["resolved_position"]) == ("resolved", reviewed)
    assert alert["metrics"]["window_cases"] == 0


def test_complaints_at_another_institution_do_not_add_up(desk: Desk) -> None:
    desk.complain(desk.legitimate(1), 3)
    desk.complain(desk.legitimate(2), 3)

    assert desk.alerts("complaint_surge") == []


# -- replay ----------------------------------------------------------------------------------


def a_troubled_year(desk: Desk) -> None:
    """Every signal of the module raised, re-levelled and resolved, in batches of three events."""
    desk.services.projector.batch_size = 3
    school = desk.legitimate(1)
    other = desk.legitimate(2, valid_to=date(2027, 12, 31))
    desk.pay(desk.contract(school), 432_000, day="2025-03-02")
    outside = desk.contract(school, 10)
    desk.pay(outside, 90_000, into_supervised_account=False, day="2025-06-10")
    desk.alerts()
    third = desk.contract(school, 6)
    desk.pay(third, 50_000, into_supervised_account=False, day="2025-06-11")
    desk.pay(desk.contract(school, 30), 250_000, day="2025-06-12")
    desk.alerts()
    order_id, _ = desk.order_overdue_rectification(school)
    desk.review(date(2025, 7, 3))
    desk.alerts()
    for course, amount in ((outside, 90_000), (third, 50_000)):
        desk.bank(
            RecordRefund(contract_id=course, amount_fen=amount, paid_at=shanghai("2025-07-04"))
        )
    desk.verify(school, order_id, "completed")
    desk.complain(school, 5)  # recorded today, after the last day reviewed
    desk.alerts()
    desk.review(date(2028, 1, 10))
    desk.bureau(RenewLicence(institution_id=other, valid_to=date(2028, 2, 1)))
    desk.review(date(2028, 2, 5))
    desk.alerts()
    desk.bureau(
        EndFundSupervision(institution_id=school, reason="监管协议解除", ended_on=date(2028, 2, 5))
    )
    desk.bureau(
        CeaseOperations(
            institution_id=school, kind="abnormal", ceased_on=date(2028, 2, 6), reason="负责人失联"
        )
    )
    desk.alerts()
    desk.review(date(2028, 2, 6))  # the closure takes effect
    desk.alerts()


def test_a_rebuild_gives_the_same_rows_as_the_incremental_build(desk: Desk) -> None:
    a_troubled_year(desk)
    built = desk.risk_rows()
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

    desk.services.projector.batch_size = 2000
    desk.services.projector.rebuild("risk_alerts")

    assert desk.risk_rows() == built


def test_a_replay_long_after_judges_the_days_the_registry_reviewed(desk: Desk) -> None:
    school = desk.legitimate()
    desk.order_overdue_rectification(school)
    reviewed = desk.review(date(2025, 7, 2))
    before = desk.only("rectification_overdue")

    desk.services.projector.rebuild("risk_alerts")

    after = desk.only("rectification_overdue")
    assert after == before
    assert after["metrics"]["reviewed_on"] == "2025-07-02", f"not {today()}"
    assert after["raised_position"] == reviewed


# -- the registry's clock --------------------------------------------------------------------


def test_the_registry_reviews_each_day_once_and_only_forward(services: Services) -> None:
    registry = services.registry
    assert registry.last_reviewed_day() is None
    assert registry.review_day(SYSTEM, date(2026, 3, 1)) is not None
    head = registry.store.head()

    assert registry.review_day(SYSTEM, date(2026, 3, 1)) is None
    with pytest.raises(RuleViolation) as refused:
        registry.review_day(SYSTEM, date(2026, 2, 28))

    assert refused.value.rule == "clock.forward_only"
    assert registry.store.head() == head
    assert registry.review_day(ADMIN, date(2026, 3, 2)) is not None
    assert registry.last_reviewed_day() == date(2026, 3, 2)


def test_a_regulator_may_not_move_the_registry_clock(desk: Desk) -> None:
    with pytest.raises(Forbidden):
        desk.services.registry.review_day(desk.BUREAU, date(2026, 3, 1))

    assert desk.services.registry.last_reviewed_day() is None


def test_the_projector_runner_records_today_once(services: Services) -> None:
    runner = ProjectorRunner(services)

    runner.review_today()
    head = services.registry.store.head()
    runner.review_today()
    ProjectorRunner(services).review_today()

    assert services.registry.last_reviewed_day() == today()
    assert services.registry.store.head() == head
