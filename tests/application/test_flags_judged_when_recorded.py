"""Flags on contracts and fees judge what was in force on their day, by effective dates, as the
registry knew it when the fact was recorded (docs/domain.md §4.6). SQLite and PostgreSQL alike.

A contract signed today is not flagged for a suspension dated next week; a fee recorded before a
back-dated suspension of its day was recorded keeps no flag (a recorded fact is not judged
again); a fee of that day recorded after it is flagged.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from registry.application.registry import Registry
from registry.bootstrap import Services
from registry.domain.clock import today
from registry.domain.commands.institutions import SuspendEnrolment
from tests.builders.commands import legitimate, record_payment, sign_contract
from tests.builders.contracts import shanghai
from tests.builders.principals import ADMIN, HAIDIAN, HAIDIAN_BANK

TODAY = today()


def suspend(registry: Registry, institution_id: UUID, effective_from: date) -> None:
    registry.execute(
        HAIDIAN,
        SuspendEnrolment(
            institution_id=institution_id,
            decision_no="海教停招〔2026〕9号",
            reason="超前超标培训",
            effective_from=effective_from,
        ),
    )


def flags(registry: Registry, contract_id: UUID) -> list[tuple[int, str]]:
    """The contract's breaches as its ledger holds them: the version found on, and the rule."""
    return [
        (int(e.data["event_version"]), e.data["rule"])
        for e in registry.contract_ledger(ADMIN, contract_id, 0, 1000)
        if e.type == "ComplianceBreachDetected"
    ]


def test_a_contract_signed_before_a_suspension_dated_next_week_is_not_flagged(
    services: Services,
) -> None:
    registry = services.registry
    school = legitimate(registry)
    suspend(registry, school, TODAY + timedelta(days=7))

    contract_id = registry.execute(HAIDIAN_BANK, sign_contract(school)).id

    assert flags(registry, contract_id) == []


def test_a_fee_recorded_before_a_back_dated_suspension_of_its_day_keeps_no_flag(
    services: Services,
) -> None:
    registry = services.registry
    school = legitimate(registry)
    contract_id = registry.execute(HAIDIAN_BANK, sign_contract(school)).id
    day = TODAY - timedelta(days=5)
    registry.execute(
        HAIDIAN_BANK, record_payment(contract_id, paid_at=shanghai(day.isoformat(), "10:00"))
    )

    suspend(registry, school, TODAY - timedelta(days=10))

    assert "prepaid.institution_operating" not in [r for _, r in flags(registry, contract_id)]


def test_a_fee_of_a_day_under_a_back_dated_suspension_recorded_after_it_is_flagged(
    services: Services,
) -> None:
    registry = services.registry
    school = legitimate(registry)
    contract_id = registry.execute(HAIDIAN_BANK, sign_contract(school)).id
    suspend(registry, school, TODAY - timedelta(days=10))
    paid_at = shanghai((TODAY - timedelta(days=5)).isoformat(), "10:00")

    registry.execute(HAIDIAN_BANK, record_payment(contract_id, paid_at=paid_at))

    assert "prepaid.institution_operating" in [r for _, r in flags(registry, contract_id)]
