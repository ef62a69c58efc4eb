"""Risk alerts read what is in force by effective dates, on the days the registry reviews: an
ended fund supervision while families are still owed their prepaid fees, a supervision ended
from a later day, its re-establishment; an annulled revocation; an annulled abnormal cessation.
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from registry.domain.clock import today
from registry.domain.commands.institutions import (
    AnnulDecision,
    CeaseOperations,
    EndFundSupervision,
    EstablishFundSupervision,
    RevokeLicence,
)
from tests.projections.conftest import Desk

TODAY = today()


def end_supervision(desk: Desk, school: UUID, ended_on: date) -> int:
    return desk.bureau(
        EndFundSupervision(institution_id=school, reason="监管协议解除", ended_on=ended_on)
    ).position


def test_an_ended_supervision_while_prepaid_fees_are_owed_is_a_red_supervision_ended_alert(
    desk: Desk,
) -> None:
    school = desk.legitimate()
    desk.pay(desk.contract(school), 432_000)

    ended = end_supervision(desk, school, TODAY)

    alert = desk.only("supervision_ended")
    assert (alert["level"], alert["status"]) == ("red", "open")
    assert alert["rule"] == "risk.supervision_ended"
    assert alert["event_positions"] == [ended]
    assert alert["metrics"] == {
        "ended_on": TODAY.isoformat(),
        "reason": "监管协议解除",
        "escrow_balance_fen": 432_000,
        "unconsumed_fen": 432_000,
    }


def test_coverage_counts_nothing_held_once_the_custody_has_ended(desk: Desk) -> None:
    school = desk.legitimate()
    desk.pay(desk.contract(school), 432_000)
    assert desk.alerts("coverage") == [], "fully in the supervised account"

    end_supervision(desk, school, TODAY)

    alert = desk.only("coverage")
    assert alert["level"] == "red"
    assert alert["metrics"]["coverage_ratio"] == 0
    assert alert["metrics"]["custody_ended_on"] == TODAY.isoformat()
    tracked = desk.services.views.refund_tracking(str(school))
    assert (tracked["coverage_ratio"], tracked["supervision_ended_on"]) == (0, TODAY.isoformat())


def test_a_supervision_ended_from_next_week_raises_its_alert_on_that_day_not_before(
    desk: Desk,
) -> None:
    school = desk.legitimate()
    desk.pay(desk.contract(school), 432_000)
    ends = TODAY + timedelta(days=7)

    end_supervision(desk, school, ends)

    assert desk.alerts("supervision_ended") == [], "supervised until next week"
    desk.review(ends - timedelta(days=1))
    assert desk.alerts("supervision_ended") == []
    in_force = desk.review(ends)
    alert = desk.only("supervision_ended")
    assert (alert["status"], alert["raised_position"]) == ("open", in_force)


def test_an_ended_supervision_is_no_alert_while_nothing_is_owed(desk: Desk) -> None:
    school = desk.legitimate()

    end_supervision(desk, school, TODAY)

    assert desk.alerts("supervision_ended") == []
    assert desk.alerts("coverage") == []


def test_a_supervision_re_established_resolves_the_supervision_ended_alert(desk: Desk) -> None:
    school = desk.legitimate()
    desk.pay(desk.contract(school), 432_000)
    end_supervision(desk, school, TODAY - timedelta(days=10))

    again = desk.bureau(
        EstablishFundSupervision(
            institution_id=school,
            mode="bank_custody",
            bank="中国建设银行北京海淀支行",
            account_no="1100107290005300999",
            agreement_no="海教监〔2026〕031号",
            reserve_fen=None,
            established_on=TODAY,
        )
    )

    alert = desk.only("supervision_ended")
    assert (alert["status"], alert["resolved_position"]) == ("resolved", again.position)
    assert desk.only("coverage")["status"] == "resolved"


def test_an_annulled_revocation_puts_the_licence_back_under_watch(desk: Desk) -> None:
    school = desk.legitimate()  # valid to 2028-02-29
    revoked = desk.bureau(
        RevokeLicence(
            institution_id=school,
            decision_no="海教罚决字〔2026〕第011号",
            reason="擅自开展学科类培训",
            notice_served_on=TODAY - timedelta(days=20),
            effective_on=TODAY - timedelta(days=10),
        )
    ).position
    desk.review(date(2028, 1, 15))
    assert desk.alerts("licence_expiring") == [], "a revoked licence does not expire"

    desk.bureau(
        AnnulDecision(
            institution_id=school,
            position=revoked,
            decision_no="海复决〔2028〕2号",
            reason="行政复议撤销",
        )
    )
    desk.review(date(2028, 1, 16))

    alert = desk.only("licence_expiring")
    assert (alert["level"], alert["status"]) == ("yellow", "open")


def test_an_annulled_abnormal_cessation_resolves_its_abnormal_closure_alert(desk: Desk) -> None:
    school = desk.legitimate()
    desk.pay(desk.contract(school), 432_000)
    ceased = desk.bureau(
        CeaseOperations(
            institution_id=school,
            kind="abnormal",
            ceased_on=TODAY - timedelta(days=3),
            reason="负责人失联，门店关闭",
        )
    ).position
    assert desk.only("abnormal_closure")["status"] == "open"

    annulled = desk.bureau(
        AnnulDecision(
            institution_id=school,
            position=ceased,
            decision_no="海复决〔2026〕7号",
            reason="行政复议撤销：门店照常营业",
        )
    ).position

    alert = desk.only("abnormal_closure")
    assert (alert["status"], alert["resolved_position"]) == ("resolved", annulled)
