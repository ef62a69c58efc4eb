"""The public register judges legitimacy on the days the registry reviews, by effective dates.

A suspension dated next Monday leaves the school legitimate until the registry reviews Monday;
a licence not renewed stops being legitimate the day after its last day. A rebuild from the log
gives the same register, since the days reviewed are in the log. A review holds a few rows in
memory at a time: one that finds more schools due than that takes every one of them off the
register all the same. SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from registry.domain.clock import today
from registry.domain.commands.institutions import SuspendEnrolment
from registry.projections import public_register as pub
from registry.projections.base import REVIEW_CHUNK
from registry.projections.regulator_list import RegulatorList
from tests.projections.conftest import Desk, first_difference, view_rows

TODAY = today()
MONDAY = TODAY + timedelta(days=7 - TODAY.weekday())


def legitimate_ids(desk: Desk) -> set[str]:
    desk.services.projector.run_once()
    return {item["id"] for item in desk.services.views.search_public(limit=100)}


def register_rows(desk: Desk) -> list[dict[str, Any]]:
    with desk.services.engine.connect() as conn:
        rows = conn.execute(select(pub.institutions).order_by(pub.institutions.c.id)).mappings()
        return [dict(r) for r in rows]


def test_a_suspension_effective_next_monday_takes_the_school_off_the_register_on_monday(
    desk: Desk,
) -> None:
    school = desk.legitimate()
    desk.bureau(
        SuspendEnrolment(
            institution_id=school,
            decision_no="海教停招〔2026〕5号",
            reason="超前超标培训",
            effective_from=MONDAY,
        )
    )

    assert str(school) in legitimate_ids(desk), "legitimate until Monday"
    desk.review(MONDAY - timedelta(days=1))
    assert str(school) in legitimate_ids(desk), "still legitimate on Sunday"
    desk.review(MONDAY)
    assert str(school) not in legitimate_ids(desk)
    page = desk.services.views.public_institution(str(school))
    assert (page["status"], page["legitimate"]) == ("suspended", False)


def test_the_day_after_its_licence_ends_unrenewed_the_school_is_not_legitimate(
    desk: Desk,
) -> None:
    last_day = TODAY + timedelta(days=3)
    school = desk.legitimate(valid_from=date(2024, 1, 2), valid_to=last_day)

    desk.review(last_day)
    assert str(school) in legitimate_ids(desk)
    desk.review(last_day + timedelta(days=1))

    assert str(school) not in legitimate_ids(desk)
    snapshot = desk.services.views.public_register_snapshot()
    rows = {item["id"]: item for item in snapshot}
    assert rows[str(school)]["legitimate"] is False
    assert rows[str(school)]["status"] == "licensed"


def test_a_rebuild_gives_the_register_the_days_reviewed_gave_it(desk: Desk) -> None:
    school = desk.legitimate()
    desk.legitimate(serial=2, valid_from=date(2024, 1, 2), valid_to=TODAY + timedelta(days=2))
    desk.bureau(
        SuspendEnrolment(
            institution_id=school,
            decision_no="海教停招〔2026〕6号",
            reason="超前超标培训",
            effective_from=MONDAY,
        )
    )
    desk.review(max(MONDAY, TODAY + timedelta(days=3)))
    desk.services.projector.run_once()
    built = register_rows(desk)

    desk.services.projector.rebuild("public_register")

    assert register_rows(desk) == built
    assert not any(row["legitimate"] for row in built)


def test_a_review_finding_more_schools_due_than_it_holds_at_once_judges_every_one_of_them(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    last_day = TODAY + timedelta(days=3)
    lapsing = [
        desk.legitimate(serial=n, valid_from=date(2024, 1, 2), valid_to=last_day)
        for n in range(1, 6)
    ]
    lasting = desk.legitimate(serial=6)
    desk.services.projector.run_once()
    for projection in (pub.PublicRegister, RegulatorList):
        monkeypatch.setattr(projection, "review_chunk", 2)

    desk.review(last_day + timedelta(days=1))
    newcomer = desk.legitimate(serial=7)  # applied in the same batch, after the review

    assert legitimate_ids(desk) == {str(lasting), str(newcomer)}
    rows = {row["id"]: row for row in register_rows(desk)}
    assert all(rows[str(school)]["legitimate"] is False for school in lapsing)
    built = view_rows(desk.services.engine)
    desk.services.projector.rebuild()  # the whole log in one batch, the review amid it
    assert first_difference(built, view_rows(desk.services.engine)) is None
    for projection in (pub.PublicRegister, RegulatorList):  # every row due in one chunk
        monkeypatch.setattr(projection, "review_chunk", REVIEW_CHUNK)
    desk.services.projector.rebuild()
    rebuilt = view_rows(desk.services.engine)
    assert first_difference(built, rebuilt) is None, first_difference(built, rebuilt)
