"""The public register as of a past day says what a replay of the institution's stream says.

A parent asking how an arts school stood on a given day (Beijing time) gets, from the read
model, the status, licence, supervision and legitimacy that replaying the school's events to the
end of that day gives the regulator; before its registration the school is unknown to both.
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import eventsourcing.domain
import pytest

from registry.bootstrap import Services
from registry.domain.clock import SHANGHAI, today
from registry.domain.commands.institutions import (
    Blacklist,
    EstablishFundSupervision,
    ImposePenalty,
    IssueLicence,
    LiftSuspension,
    RegisterInstitution,
    RemoveFromBlacklist,
    RenewLicence,
    RevokeLicence,
    SuspendEnrolment,
)
from registry.domain.errors import NotFound
from registry.domain.principal import Principal
from registry.domain.uscc import check_character

ADMIN = Principal(id="key-admin", role="admin", name="市教委信息中心")
ARTS_SCHOOL_CODE = "91110108MA01C8PX3" + check_character("91110108MA01C8PX3")


@dataclass
class Clock:
    """The moment the registry records events at, moved by the test from one day to another."""

    now: datetime

    def set(self, day: str, hh_mm: str) -> None:
        self.now = datetime.fromisoformat(f"{day}T{hh_mm}").replace(tzinfo=SHANGHAI)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """Events are recorded at the clock's time instead of the wall clock's."""
    clock = Clock(datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI))
    monkeypatch.setattr(
        eventsourcing.domain,
        "datetime_now_with_tzinfo",
        lambda: clock.now.astimezone(eventsourcing.domain.TZINFO),
    )
    yield clock


def register_arts_school(services: Services) -> UUID:
    """北京七彩虹艺术培训学校有限公司, an offline arts school (非学科类) of 海淀区."""
    return services.registry.execute(
        ADMIN,
        RegisterInstitution(
            name="北京七彩虹艺术培训学校有限公司",
            credit_code=ARTS_SCHOOL_CODE,
            district_code="110108",
            address="北京市海淀区中关村大街27号3层",
            category="non_academic",
            subjects=["美术", "书法"],
            delivery="offline",
            legal_form="company",
            legal_representative="李秀英",
            icp_number=None,
            registered_on=date(2026, 3, 2),
        ),
    ).id


def licence(valid_from: date) -> dict[str, Any]:
    return {
        "licence_no": "教民111010870001234号",
        "approving_authority": "北京市海淀区教育委员会",
        "valid_from": valid_from,
        "valid_to": date(2029, 2, 28),
    }


def published(view: dict[str, Any]) -> dict[str, Any]:
    """The public fields of the regulator's view: what the register should show of it."""
    licence, supervision = view["licence"] or {}, view["supervision"] or {}
    return {
        **{
            k: view[k]
            for k in ("id", "name", "credit_code", "district_code", "category", "delivery")
        },
        "subjects": list(view["subjects"]),
        "licence_no": licence.get("licence_no"),
        "licence_valid_to": licence.get("valid_to"),
        "supervision_mode": supervision.get("mode"),
        "supervision_bank": supervision.get("bank"),
        "status": view["status"],
        "legitimate": view["status"] == "licensed"
        and not view["blacklisted"]
        and view["supervision"] is not None,
    }


def public_and_replayed(services: Services, school: UUID, day: date) -> tuple[Any, Any]:
    """The public page as of ``day`` and a replay of the stream to the end of ``day``; a
    NotFound stands for itself in either."""
    try:
        page = services.views.public_institution(str(school), as_of=day)
    except NotFound:
        page = NotFound
    try:
        view = services.registry.institution(ADMIN, school, as_of=day)
    except NotFound:
        view = NotFound
    return page, view


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_the_public_page_as_of_each_day_matches_a_replay_of_the_institution(
    services: Services, clock: Clock
) -> None:
    r = services.registry
    school = register_arts_school(services)  # 2026-03-02 09:30
    clock.set("2026-03-04", "10:00")
    r.execute(ADMIN, IssueLicence(institution_id=school, **licence(date(2026, 3, 4))))
    clock.set("2026-03-06", "14:00")
    r.execute(
        ADMIN,
        EstablishFundSupervision(
            institution_id=school,
            mode="bank_custody",
            bank="中国工商银行北京海淀支行",
            account_no="0200004509200123456",
            agreement_no="HDJW-ZJJG-2026-0187",
            reserve_fen=None,
            established_on=date(2026, 3, 6),
        ),
    )
    clock.set("2026-03-10", "10:00")
    r.execute(
        ADMIN,
        ImposePenalty(
            institution_id=school,
            decision_no="海教罚决字〔2026〕第022号",
            kinds=["warning", "fine"],
            fine_fen=5_000_000,
            illegal_gains_fen=1_280_000,
            decided_on=date(2026, 3, 9),
        ),
    )
    clock.set("2026-03-10", "15:00")
    r.execute(
        ADMIN,
        SuspendEnrolment(
            institution_id=school,
            decision_no="海教罚决字〔2026〕第017号",
            reason="一次性收取超过三个月的培训费用",
            effective_from=date(2026, 3, 11),
        ),
    )
    clock.set("2026-03-13", "10:00")
    r.execute(
        ADMIN,
        LiftSuspension(
            institution_id=school,
            decision_no="海教决字〔2026〕第021号",
            lifted_on=date(2026, 3, 13),
        ),
    )
    clock.set("2026-03-16", "11:00")
    r.execute(
        ADMIN,
        RenewLicence(
            institution_id=school, valid_to=date(2031, 2, 28), renewed_on=date(2026, 3, 16)
        ),
    )
    clock.set("2026-03-18", "10:00")
    r.execute(
        ADMIN,
        Blacklist(
            institution_id=school,
            reasons=["拒不退还学员预收费"],
            decision_no="海教黑字〔2026〕第003号",
            listed_on=date(2026, 3, 18),
        ),
    )
    clock.set("2026-03-20", "16:00")
    r.execute(
        ADMIN,
        RemoveFromBlacklist(
            institution_id=school,
            decision_no="海教黑移字〔2026〕第001号",
            removed_on=date(2026, 3, 20),
        ),
    )
    clock.set("2026-03-23", "09:00")
    r.execute(
        ADMIN,
        RevokeLicence(
            institution_id=school,
            decision_no="海教罚决字〔2026〕第031号",
            reason="擅自开展学科类培训",
            notice_served_on=date(2026, 3, 9),
            effective_on=date(2026, 3, 23),
        ),
    )
    services.projector.run_once()

    seen = set()
    for day in [*days(date(2026, 3, 1), date(2026, 3, 24)), today()]:
        page, view = public_and_replayed(services, school, day)
        if view is NotFound:
            assert page is NotFound, f"{day}: the register knows a school not yet registered"
            continue
        assert page is not NotFound, f"{day}: the register has no page for a registered school"
        history, penalties = page.pop("status_history"), page.pop("penalties")
        for dated in ("registered_on", "as_of", "known_at", "blacklisting"):
            page.pop(dated)
        assert page == published(view), f"as of {day}"
        assert penalties == view["penalties"], f"penalties as of {day}"
        assert history[-1]["status"] == view["status"], f"status history as of {day}"
        seen.add((view["status"], page["legitimate"], view["blacklisted"]))

    assert public_and_replayed(services, school, date(2026, 3, 1)) == (NotFound, NotFound)
    assert {status for status, _, _ in seen} == {"registered", "licensed", "suspended", "revoked"}
    assert (("licensed", True, False) in seen) and (("licensed", False, True) in seen)


def test_known_at_a_time_in_the_small_hours_of_beijing_time_sees_what_was_recorded_by_then(
    services: Services, clock: Clock
) -> None:
    # 00:30 and 07:30 in Beijing are still the day before in UTC.
    clock.set("2026-03-02", "00:30")
    school = register_arts_school(services)
    clock.set("2026-03-04", "07:30")
    services.registry.execute(
        ADMIN, IssueLicence(institution_id=school, **licence(date(2026, 3, 4)))
    )
    services.projector.run_once()
    before = datetime.fromisoformat("2026-03-02T00:29:00+08:00")
    after = datetime.fromisoformat("2026-03-04T07:31:00+08:00")

    with pytest.raises(NotFound):
        services.views.public_institution(str(school), known_at=before)
    with pytest.raises(NotFound):
        services.registry.institution(ADMIN, school, known_at=before)
    for known_at, status in ((after - timedelta(minutes=2), "registered"), (after, "licensed")):
        page = services.views.public_institution(str(school), known_at=known_at)
        view = services.registry.institution(ADMIN, school, known_at=known_at)
        assert page["as_of"] == view["as_of"] == "2026-03-04"
        assert page["status"] == view["status"] == status, f"known at {known_at}"
