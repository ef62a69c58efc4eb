"""The Registry application service on a real event store: SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest

from registry.application.registry import Registry
from registry.application.results import WriteResult
from registry.bootstrap import build_services
from registry.domain.clock import today
from registry.domain.commands.institutions import (
    LiftSuspension,
    RegisterInstitution,
    SuspendEnrolment,
)
from registry.domain.errors import Conflict, Forbidden, NotFound, RuleViolation
from registry.domain.institution import Institution
from registry.domain.principal import Principal
from tests.builders.codes import ARTS_COMPANY_CODE, XUHUI_SPORTS_CODE
from tests.builders.commands import (
    establish_fund_supervision,
    issue_licence,
    register_institution,
)
from tests.builders.institutions import successor_school, xuhui_school
from tests.builders.principals import ADMIN, HAIDIAN, XUHUI

# -- districts and roles -------------------------------------------------------------------


def test_a_regulator_cannot_register_an_institution_of_another_district(services) -> None:
    with pytest.raises(Forbidden):
        services.registry.execute(HAIDIAN, RegisterInstitution(**xuhui_school()))

    with pytest.raises(NotFound):
        services.registry.institution(ADMIN, Institution.create_id(XUHUI_SPORTS_CODE))


def test_a_regulator_cannot_act_on_an_institution_of_another_district(services) -> None:
    registry = services.registry
    registered = registry.execute(XUHUI, RegisterInstitution(**xuhui_school()))

    with pytest.raises(Forbidden):
        registry.execute(HAIDIAN, issue_licence(registered.id))

    assert registry.institution(XUHUI, registered.id)["version"] == registered.version


def test_a_regulator_cannot_read_an_institution_of_another_district(services) -> None:
    registered = services.registry.execute(XUHUI, RegisterInstitution(**xuhui_school()))

    with pytest.raises(Forbidden):
        services.registry.institution(HAIDIAN, registered.id)
    with pytest.raises(Forbidden):
        services.registry.institution_events(HAIDIAN, registered.id)


@pytest.mark.parametrize(("role", "districts"), [("feed", ["110108"]), ("court", [])])
def test_a_feed_or_court_key_cannot_register_an_institution(
    services, role: str, districts: list[str]
) -> None:
    _, secret = services.keys.create(role, districts, f"{role} key for 海淀区")
    principal = services.keys.authenticate(secret)

    with pytest.raises(Forbidden):
        services.registry.execute(principal, register_institution())


def test_a_key_issued_to_a_regulator_registers_in_its_district(services) -> None:
    info, secret = services.keys.create("regulator", ["110108"], "海淀区教委 监管科")
    principal = services.keys.authenticate(secret)

    registered = services.registry.execute(principal, register_institution())

    view = services.registry.institution(principal, registered.id)
    assert view["status"] == "registered"
    assert view["credit_code"] == ARTS_COMPANY_CODE
    assert services.registry.institution_events(principal, registered.id)[0].actor["id"] == info.id


# -- uniqueness and versions ---------------------------------------------------------------


def test_a_credit_code_is_registered_only_once(services) -> None:
    registry = services.registry
    first = registry.execute(HAIDIAN, register_institution())

    with pytest.raises(Conflict):
        registry.execute(
            HAIDIAN,
            register_institution(
                name="北京七彩虹文化艺术有限公司", address="北京市海淀区学院路5号"
            ),
        )

    view = registry.institution(HAIDIAN, first.id)
    assert view["name"] == "北京市海淀区七彩虹艺术培训学校有限公司"
    assert view["version"] == first.version == 1


def test_the_same_code_in_lowercase_is_still_the_same_institution(services) -> None:
    services.registry.execute(HAIDIAN, register_institution())

    with pytest.raises(Conflict):
        services.registry.execute(
            HAIDIAN, register_institution(credit_code=ARTS_COMPANY_CODE.lower())
        )


def test_an_institution_is_found_by_the_id_its_credit_code_names(services) -> None:
    registered = services.registry.execute(HAIDIAN, register_institution())

    assert registered.id == Institution.create_id(ARTS_COMPANY_CODE)


def test_a_stale_expected_version_is_a_conflict_and_appends_nothing(services) -> None:
    registry = services.registry
    registered = registry.execute(HAIDIAN, register_institution())
    licensed = registry.execute(HAIDIAN, issue_licence(registered.id))

    with pytest.raises(Conflict):
        registry.execute(
            HAIDIAN,
            establish_fund_supervision(registered.id),
            expected_version=registered.version,
        )

    assert registry.institution(HAIDIAN, registered.id)["version"] == licensed.version
    assert len(registry.institution_events(HAIDIAN, registered.id)) == 2


def test_the_current_expected_version_lets_the_command_through(services) -> None:
    registry = services.registry
    registered = registry.execute(HAIDIAN, register_institution())

    licensed = registry.execute(
        HAIDIAN, issue_licence(registered.id), expected_version=registered.version
    )

    assert licensed.version == registered.version + 1
    assert registry.institution(HAIDIAN, registered.id)["status"] == "licensed"


def test_a_refused_decision_appends_nothing(services) -> None:
    registry = services.registry
    registered = registry.execute(HAIDIAN, register_institution())
    registry.execute(HAIDIAN, issue_licence(registered.id))

    with pytest.raises(RuleViolation) as refused:
        registry.execute(
            HAIDIAN,
            SuspendEnrolment(
                institution_id=registered.id,
                decision_no="",
                reason="超前超标培训",
                effective_from=date(2025, 5, 6),
            ),
        )

    assert refused.value.rule == "decision.document_number"
    assert [e.type for e in registry.institution_events(HAIDIAN, registered.id)] == [
        "InstitutionRegistered",
        "LicenceIssued",
    ]


def test_an_unknown_institution_is_not_found(services) -> None:
    with pytest.raises(NotFound):
        services.registry.institution(HAIDIAN, uuid4())


def test_a_conversion_successor_names_a_registered_predecessor(services) -> None:
    successor = RegisterInstitution(**successor_school(predecessor=uuid4()))

    with pytest.raises(NotFound):
        services.registry.execute(HAIDIAN, successor)


# -- history -------------------------------------------------------------------------------


def test_an_institution_was_not_on_the_register_before_it_was_registered(services) -> None:
    registered = services.registry.execute(HAIDIAN, register_institution())

    with pytest.raises(NotFound) as refused:
        services.registry.institution(HAIDIAN, registered.id, as_of=date(2025, 2, 9))

    assert "not yet in the register on 2025-02-09" in str(refused.value)


def test_an_institution_entered_without_a_date_is_registered_from_today(services) -> None:
    registered = services.registry.execute(HAIDIAN, register_institution(registered_on=None))

    view = services.registry.institution(HAIDIAN, registered.id)

    assert view["registered_on"] == today().isoformat()
    with pytest.raises(NotFound):
        services.registry.institution(HAIDIAN, registered.id, as_of=today() - timedelta(days=1))


def test_the_status_as_of_today_is_the_current_status(services) -> None:
    registry = services.registry
    registered = registry.execute(HAIDIAN, register_institution())
    registry.execute(HAIDIAN, issue_licence(registered.id))

    as_of_today = registry.institution(HAIDIAN, registered.id, as_of=today())

    assert as_of_today == registry.institution(HAIDIAN, registered.id)
    assert as_of_today["status"] == "licensed"


def _licensed_and_suspended(
    registry: Registry, principal: Principal = HAIDIAN
) -> list[WriteResult]:
    """Registers, licenses and suspends the arts school; answers the write results."""
    registered = registry.execute(principal, register_institution())
    suspension = SuspendEnrolment(
        institution_id=registered.id,
        decision_no="海教停招〔2025〕3号",
        reason="超前超标培训",
        effective_from=date(2025, 5, 6),
    )
    return [
        registered,
        registry.execute(principal, issue_licence(registered.id)),
        registry.execute(principal, suspension),
    ]


def test_the_audit_trail_lists_every_event_in_order_with_its_position(services) -> None:
    writes = _licensed_and_suspended(services.registry)

    events = services.registry.institution_events(HAIDIAN, writes[0].id)

    assert [e.type for e in events] == [
        "InstitutionRegistered",
        "LicenceIssued",
        "EnrolmentSuspended",
    ]
    positions = [e.position for e in events]
    assert all(a < b for a, b in zip(positions, positions[1:], strict=False))
    assert positions == [w.position for w in writes]
    assert [e.version for e in events] == [1, 2, 3]
    assert all(e.actor["id"] == HAIDIAN.id for e in events)


def test_the_audit_trail_is_read_in_pages(services) -> None:
    writes = _licensed_and_suspended(services.registry)

    page = services.registry.institution_events(HAIDIAN, writes[0].id, after_version=1, limit=1)

    assert [e.type for e in page] == ["LicenceIssued"]


def test_every_event_records_the_acting_principal(services) -> None:
    registry = services.registry
    registered = registry.execute(ADMIN, register_institution())
    registry.execute(HAIDIAN, issue_licence(registered.id))

    events = registry.institution_events(HAIDIAN, registered.id)

    assert [e.actor for e in events] == [
        {"id": "key-admin", "role": "admin", "districts": []},
        {"id": "key-hd-01", "role": "regulator", "districts": ["110108"]},
    ]


def test_the_register_reads_back_the_same_after_a_restart(settings) -> None:
    before = build_services(settings)
    try:
        writes = _licensed_and_suspended(before.registry)
        institution_id: UUID = writes[0].id
        view = before.registry.institution(HAIDIAN, institution_id)
        events = before.registry.institution_events(HAIDIAN, institution_id)
    finally:
        before.close()

    after = build_services(settings)
    try:
        assert after.registry.institution(HAIDIAN, institution_id) == view
        assert after.registry.institution_events(HAIDIAN, institution_id) == events
        lifting = LiftSuspension(
            institution_id=institution_id, decision_no="海教复招〔2025〕1号", lifted_on=today()
        )
        after.registry.execute(HAIDIAN, lifting)
        assert after.registry.institution(HAIDIAN, institution_id)["version"] == 4
    finally:
        after.close()
