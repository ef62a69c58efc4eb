"""Judgements that come with the calendar: a licence expired the day after its last day, an
order overdue the day after its deadline, also for days the registry was not running
(docs/domain.md §3 and §4.10: ``licence.expired``, ``risk.rectification_overdue``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from registry.bootstrap import Services
from registry.domain.clock import today
from registry.domain.commands.institutions import RenewLicence
from registry.domain.principal import SYSTEM, Principal
from registry.runner import ProjectorRunner

if TYPE_CHECKING:
    from conftest import Desk

REGULATOR = Principal(id="key-hd-jw", role="regulator", districts=("110108",))


def test_licence_expired_opens_the_day_after_valid_to_and_a_renewal_closes_it(
    desk: Desk,
) -> None:
    school = desk.legitimate()  # valid to 2028-02-29
    desk.review(date(2028, 2, 29))
    assert desk.alerts("licence_expired") == [], "its last day is not yet expired"

    desk.review(date(2028, 3, 1))
    alert = desk.only("licence_expired")
    assert (alert["level"], alert["status"], alert["rule"]) == ("red", "open", "licence.expired")
    assert alert["metrics"]["days_expired"] == 1

    renewed = desk.bureau(RenewLicence(institution_id=school, valid_to=date(2031, 2, 28)))

    alert = desk.only("licence_expired")
    assert (alert["status"], alert["resolved_position"]) == ("resolved", renewed.position)


def test_risk_rectification_overdue_is_judged_on_each_day_the_registry_missed(
    desk: Desk,
) -> None:
    school = desk.legitimate()
    order_id, _ = desk.order_overdue_rectification(school)  # due by 2025-07-01
    desk.review(date(2025, 6, 29))

    caught_up = desk.services.registry.catch_up(SYSTEM, date(2025, 7, 4))

    assert len(caught_up) == 5  # 06-30 to 07-04, each reviewed in turn
    alert = desk.only("rectification_overdue")
    assert alert["raised_position"] == caught_up[2].position  # 07-02, the day after
    assert alert["metrics"]["days_overdue"] == 3  # as of the last day reviewed
    view = desk.services.registry.institution(REGULATOR, school, as_of=None)
    assert view["overdue_rectification_orders"] == [order_id]


def test_an_open_order_shows_as_overdue_only_from_the_day_after_its_deadline(
    desk: Desk,
) -> None:
    school = desk.legitimate()
    order_id, _ = desk.order_overdue_rectification(school)  # due by 2025-07-01
    registry = desk.services.registry

    assert registry.institution(REGULATOR, school)["open_rectification_orders"] == [order_id]
    assert registry.institution(REGULATOR, school)["overdue_rectification_orders"] == [order_id]


def test_the_projector_runner_catches_up_on_the_days_it_missed_at_start_up(
    services: Services,
) -> None:
    services.registry.review_day(SYSTEM, today() - timedelta(days=3))
    head = services.registry.store.head()

    ProjectorRunner(services).review_today()

    assert services.registry.last_reviewed_day() == today()
    assert services.registry.store.head() == head + 3
