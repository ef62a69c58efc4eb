"""The regulator's list shows what is in force on the days the registry reviews, by effective
dates.

A suspension dated next Monday leaves the school licensed and legitimate on the list until the
registry reviews Monday; a back-dated suspension shows at once; an annulled one leaves the list.
A rebuild from the log gives the same list, since the days reviewed are in the log. SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import select

from registry.domain.clock import today
from registry.domain.commands.institutions import (
    AnnulDecision,
    EndFundSupervision,
    SuspendEnrolment,
)
from registry.projections import regulator_list
from tests.projections.conftest import Desk

TODAY = today()
MONDAY = TODAY + timedelta(days=7 - TODAY.weekday())


def on_the_list(desk: Desk, school: UUID) -> dict[str, Any]:
    desk.services.projector.run_once()
    items, _more = regulator_list.search(desk.services.views.engine, districts=["110108"])
    return next(i for i in items if i["id"] == str(school))


def suspend(desk: Desk, school: UUID, effective_from: date) -> int:
    return desk.bureau(
        SuspendEnrolment(
            institution_id=school,
            decision_no="海教停招〔2026〕5号",
            reason="超前超标培训",
            effective_from=effective_from,
        )
    ).position


def list_rows(desk: Desk) -> list[dict[str, Any]]:
    with desk.services.engine.connect() as conn:
        query = select(regulator_list.listed).order_by(regulator_list.listed.c.id)
        return [dict(r) for r in conn.execute(query).mappings()]


def test_a_suspension_effective_next_monday_shows_on_the_regulators_list_on_monday_not_before(
    desk: Desk,
) -> None:
    school = desk.legitimate()
    suspend(desk, school, MONDAY)

    listed = on_the_list(desk, school)
    assert (listed["status"], listed["legitimate"]) == ("licensed", True), "not before Monday"
    desk.review(MONDAY - timedelta(days=1))
    assert on_the_list(desk, school)["status"] == "licensed", "still licensed on Sunday"
    desk.review(MONDAY)
    listed = on_the_list(desk, school)
    assert (listed["status"], listed["legitimate"]) == ("suspended", False)


def test_a_back_dated_suspension_shows_on_the_regulators_list_at_once(desk: Desk) -> None:
    school = desk.legitimate()
    suspend(desk, school, TODAY - timedelta(days=30))

    listed = on_the_list(desk, school)

    assert (listed["status"], listed["legitimate"]) == ("suspended", False)


def test_an_annulled_suspension_leaves_the_regulators_list(desk: Desk) -> None:
    school = desk.legitimate()
    position = suspend(desk, school, TODAY - timedelta(days=30))
    desk.bureau(
        AnnulDecision(
            institution_id=school,
            position=position,
            decision_no="海复决〔2026〕3号",
            reason="行政复议撤销",
        )
    )

    assert on_the_list(desk, school)["status"] == "licensed"


def test_a_supervision_ended_next_week_leaves_the_school_supervised_on_the_list_until_then(
    desk: Desk,
) -> None:
    school = desk.legitimate()
    ends = TODAY + timedelta(days=7)
    desk.bureau(EndFundSupervision(institution_id=school, reason="监管协议到期", ended_on=ends))

    assert on_the_list(desk, school)["supervision_mode"] == "bank_custody"
    desk.review(ends)
    listed = on_the_list(desk, school)
    assert (listed["supervision_mode"], listed["legitimate"]) == (None, False)


def test_a_rebuild_gives_the_regulators_list_the_days_reviewed_gave_it(desk: Desk) -> None:
    school = desk.legitimate()
    desk.legitimate(serial=2, valid_from=date(2024, 1, 2), valid_to=TODAY + timedelta(days=2))
    suspend(desk, school, MONDAY)
    desk.review(max(MONDAY, TODAY + timedelta(days=3)))
    desk.services.projector.run_once()
    built = list_rows(desk)

    desk.services.projector.rebuild("regulator_list")

    assert list_rows(desk) == built
    assert [row["legitimate"] for row in built] == [False, False]
    assert sorted(row["status"] for row in built) == ["licensed", "suspended"]
