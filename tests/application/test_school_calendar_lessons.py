"""Academic lessons in a school vacation of the institution's province: SQLite and PostgreSQL.

School vacations are set per province and recorded in the log (``SchoolCalendars``), from the
file kept in the repository the first time the registry needs them and from the files admins
load. A lesson is judged against the calendar as recorded when it is reported.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from registry.application.calendars import repository_calendar
from registry.application.registry import Registry
from registry.bootstrap import Services, build_services
from registry.domain.calendar_stream import CALENDARS_ID, SchoolCalendars
from registry.domain.errors import Forbidden, RuleViolation
from tests.builders.codes import credit_code
from tests.builders.commands import (
    establish_fund_supervision,
    issue_licence,
    record_consumption,
    record_payment,
    register_institution,
    sign_contract,
)
from tests.builders.contracts import shanghai
from tests.builders.principals import ADMIN, HAIDIAN

GUANGZHOU_TIANHE, SHANGHAI_XUHUI, BEIJING_HAIDIAN = "440106", "310104", "110108"


def contract_in(registry: Registry, district: str, category: str = "academic") -> UUID:
    """A paid contract of a legitimate institution of ``district`` teaching ``category`` (an
    academic one licensed before 双减, as the record of history it is)."""
    academic = category == "academic"
    institution_id = registry.execute(
        ADMIN,
        register_institution(
            credit_code=credit_code(f"91{district}MA0C{7 if academic else 8}TK41"),
            district_code=district,
            category=category,
            subjects=["数学", "英语"] if academic else ["美术"],
            registered_on=date(2019, 8, 1),
        ),
    ).id
    registry.execute(ADMIN, issue_licence(institution_id, valid_from=date(2020, 1, 1)))
    registry.execute(ADMIN, establish_fund_supervision(institution_id))
    contract_id = registry.execute(ADMIN, sign_contract(institution_id)).id
    registry.execute(ADMIN, record_payment(contract_id))
    return contract_id


def lesson_on(registry: Registry, contract_id: UUID, day: str) -> None:
    """Two lessons taught offline that afternoon, 16:00–17:30 Shanghai time."""
    registry.execute(
        ADMIN,
        record_consumption(
            contract_id, 2, starts_at=shanghai(day, "16:00"), ends_at=shanghai(day, "17:30")
        ),
    )


def breach_rules(registry: Registry, contract_id: UUID) -> list[tuple[int, str, str]]:
    """The contract's breaches as its ledger holds them: version, rule and detail."""
    return [
        (e.version, e.data["rule"], e.data["detail"])
        for e in registry.contract_ledger(ADMIN, contract_id, 0, 1000)
        if e.type == "ComplianceBreachDetected"
    ]


def rest_day_flags(registry: Registry, contract_id: UUID) -> list[str]:
    rules = [rule for _, rule, _ in breach_rules(registry, contract_id)]
    return [r for r in rules if r == "lessons.academic_rest_day"]


def guangdong_summer_from(start: str) -> dict[str, Any]:
    """A file moving 广东省's 2026 summer vacation to start on ``start``."""
    return {
        "format": "registry.school-calendars/1",
        "vacations": [
            {
                "province": "44",
                "year": 2026,
                "provenance": "published",
                "source": "广东省教育厅 2025—2026学年校历 (test file)",
                "periods": [{"kind": "summer", "start": start, "end": "2026-08-31"}],
            }
        ],
    }


def test_an_academic_lesson_on_a_summer_vacation_tuesday_in_guangdong_is_flagged_academic_rest_day(
    services: Services,
) -> None:
    registry = services.registry
    contract_id = contract_in(registry, GUANGZHOU_TIANHE)

    lesson_on(registry, contract_id, "2026-07-21")  # a Tuesday

    assert rest_day_flags(registry, contract_id) == ["lessons.academic_rest_day"]


def test_a_non_academic_lesson_in_the_summer_vacation_is_not_flagged_academic_rest_day(
    services: Services,
) -> None:
    registry = services.registry
    contract_id = contract_in(registry, GUANGZHOU_TIANHE, category="non_academic")

    lesson_on(registry, contract_id, "2026-07-21")

    assert rest_day_flags(registry, contract_id) == []


def test_the_same_day_is_flagged_where_the_vacation_has_begun_and_not_where_it_has_not(
    services: Services,
) -> None:
    # 上海市's summer vacation of 2026 begins on 1 July, 北京市's on 8 July (their calendars).
    registry = services.registry
    in_shanghai = contract_in(registry, SHANGHAI_XUHUI)
    in_beijing = contract_in(registry, BEIJING_HAIDIAN)

    lesson_on(registry, in_shanghai, "2026-07-07")  # a Tuesday
    lesson_on(registry, in_beijing, "2026-07-07")

    assert rest_day_flags(registry, in_shanghai) == ["lessons.academic_rest_day"]
    assert rest_day_flags(registry, in_beijing) == []


def test_the_repository_calendar_is_recorded_once_when_the_first_lesson_is_judged(
    services: Services,
) -> None:
    registry = services.registry
    contract_id = contract_in(registry, GUANGZHOU_TIANHE)
    assert registry.store.find(SchoolCalendars, CALENDARS_ID) is None

    lesson_on(registry, contract_id, "2026-03-10")
    head = registry.store.head()
    recorded = registry.store.find(SchoolCalendars, CALENDARS_ID)
    lesson_on(registry, contract_id, "2026-03-11")

    entries = repository_calendar()
    assert recorded is not None
    assert recorded.version == 1 + len(entries["holidays"]) + len(entries["vacations"])
    assert registry.store.head() == head + 1  # the second lesson only


def test_a_lesson_is_judged_by_the_calendar_recorded_when_it_is_reported_and_a_replay_agrees(
    services: Services,
) -> None:
    registry = services.registry
    contract_id = contract_in(registry, GUANGZHOU_TIANHE)
    lesson_on(registry, contract_id, "2026-07-07")  # before 15 July: the default summer
    registry.load_calendar(ADMIN, guangdong_summer_from("2026-07-04"))
    lesson_on(registry, contract_id, "2026-07-07")  # now inside the published one
    before = breach_rules(registry, contract_id)

    replayed = build_services(services.settings)
    try:
        after = breach_rules(replayed.registry, contract_id)
        rebuilt = replayed.registry.store.find(SchoolCalendars, CALENDARS_ID)
    finally:
        replayed.close()

    assert rest_day_flags(registry, contract_id) == ["lessons.academic_rest_day"]
    assert after == before
    assert rebuilt is not None
    assert rebuilt.calendar_for("44") == registry.calendars.for_district(GUANGZHOU_TIANHE)


def test_a_lesson_is_judged_by_a_calendar_another_process_loaded_after_this_one_last_read_it(
    services: Services,
) -> None:
    registry = services.registry
    contract_id = contract_in(registry, GUANGZHOU_TIANHE)
    lesson_on(registry, contract_id, "2026-07-07")  # judged on the default summer: no flag
    other = build_services(services.settings)  # another server on the same database
    try:
        other.registry.load_calendar(ADMIN, guangdong_summer_from("2026-07-04"))
    finally:
        other.close()

    lesson_on(registry, contract_id, "2026-07-07")  # now inside the published summer

    assert rest_day_flags(registry, contract_id) == ["lessons.academic_rest_day"]


def test_the_lessons_of_a_feeds_batch_are_judged_by_the_calendar_recorded_when_it_is_reported(
    services: Services,
) -> None:
    registry = services.registry
    contract_id = contract_in(registry, GUANGZHOU_TIANHE)
    on_july_7 = {
        "starts_at": shanghai("2026-07-07", "16:00"),
        "ends_at": shanghai("2026-07-07", "17:30"),
    }
    lessons = [record_consumption(contract_id, 1, **on_july_7) for _ in range(2)]
    before = registry.report_facts(ADMIN, lessons)  # on the default summer: no flag
    registry.load_calendar(ADMIN, guangdong_summer_from("2026-07-04"))

    after = registry.report_facts(ADMIN, lessons)

    assert [o.breaches for o in before.outcomes] == [(), ()]
    assert [o.breaches for o in after.outcomes] == [("lessons.academic_rest_day",)] * 2


def test_loading_the_same_calendar_file_again_records_nothing(services: Services) -> None:
    registry = services.registry
    first = registry.load_calendar(ADMIN, guangdong_summer_from("2026-07-04"))
    head = registry.store.head()

    again = registry.load_calendar(ADMIN, guangdong_summer_from("2026-07-04"))

    assert first.changed == ("vacations 44/2026",)
    assert again.changed == () and again.position is None and again.unchanged == 1
    assert registry.store.head() == head
    shown = registry.school_calendar("44", 2026)["vacations"]
    assert shown["periods"] == [{"kind": "summer", "start": "2026-07-04", "end": "2026-08-31"}]


def test_loading_the_repository_file_again_changes_nothing(services: Services) -> None:
    registry = services.registry
    registry.calendars.ensure_recorded()

    outcome = registry.load_calendar(ADMIN, repository_calendar())

    assert outcome.changed == () and outcome.position is None


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"start": "2026-09-01"}, "calendar.dates"),  # ends before it starts
        ({"start": "2026-02-30"}, "calendar.dates"),  # no such day
        ({"province": "99"}, "calendar.province"),
    ],
    ids=["inverted", "impossible-date", "unknown-province"],
)
def test_a_bad_calendar_file_is_refused_naming_the_rule_and_records_nothing(
    services: Services, change: dict[str, str], rule: str
) -> None:
    registry = services.registry
    registry.calendars.ensure_recorded()
    head = registry.store.head()
    document = copy.deepcopy(guangdong_summer_from("2026-07-04"))
    entry = document["vacations"][0]
    if "province" in change:
        entry["province"] = change["province"]
    else:
        entry["periods"][0]["start"] = change["start"]

    with pytest.raises(RuleViolation) as refused:
        registry.load_calendar(ADMIN, document)

    assert refused.value.rule == rule
    assert registry.store.head() == head


def test_only_an_admin_loads_calendar_files(services: Services) -> None:
    registry = services.registry
    head = registry.store.head()

    with pytest.raises(Forbidden):
        registry.load_calendar(HAIDIAN, guangdong_summer_from("2026-07-04"))

    assert registry.store.head() == head
