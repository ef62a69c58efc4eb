"""A feed's batch about contracts this server has not seen yet: SQLite and PostgreSQL alike.

A batch reads the contracts this server does not hold in its cache together, and copies those
it holds; either way each fact is judged on the contract as stored, as its single report is.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from registry.bootstrap import Services, build_services
from registry.domain.errors import NotFound
from tests.builders.commands import legitimate, record_consumption, sign_contract
from tests.builders.principals import HAIDIAN, HAIDIAN_BANK


def signed_elsewhere(services: Services, count: int) -> tuple[UUID, list[UUID]]:
    """A legitimate school and ``count`` contracts of 50 lessons for different pupils, signed
    and 40 lessons of each taught, all through another server."""
    other = build_services(services.settings)
    try:
        institution_id = legitimate(other.registry)
        contracts = [
            other.registry.execute(
                HAIDIAN_BANK,
                sign_contract(
                    institution_id, paid_lessons=50, gift_lessons=0, pupil_ref=f"pupil-2026-05{n}"
                ),
            ).id
            for n in range(count)
        ]
        for contract_id in contracts:
            other.registry.execute(HAIDIAN_BANK, record_consumption(contract_id, 40))
    finally:
        other.close()
    return institution_id, contracts


def test_a_batch_about_contracts_another_server_wrote_is_judged_on_them_as_stored(
    services: Services,
) -> None:
    registry = services.registry
    _, contracts = signed_elsewhere(services, 3)
    facts: list[Any] = [record_consumption(c, n) for c in contracts for n in (6, 4)]

    first = registry.report_facts(HAIDIAN_BANK, facts)
    again = registry.report_facts(HAIDIAN_BANK, [record_consumption(c, 1) for c in contracts])

    # 40 taught elsewhere: 6 and 4 more fill the 50 bought; one more lesson does not fit.
    assert [(o.status, o.version) for o in first.outcomes] == [("recorded", 3), ("recorded", 4)] * 3
    assert [o.status for o in again.outcomes] == ["refused"] * 3
    assert {getattr(o.refusal, "rule", None) for o in again.outcomes} == {"lessons.within_purchase"}
    for contract_id in contracts:
        assert registry.contract(HAIDIAN, contract_id)["consumed_lessons"] == 50


def test_a_batch_naming_an_institution_or_nothing_known_as_a_contract_refuses_those_facts(
    services: Services,
) -> None:
    registry = services.registry
    institution_id, (contract_id,) = signed_elsewhere(services, 1)
    facts: list[Any] = [
        record_consumption(institution_id, 1),
        record_consumption(uuid4(), 1),
        record_consumption(contract_id, 1),
    ]

    result = registry.report_facts(HAIDIAN_BANK, facts)

    assert [o.status for o in result.outcomes] == ["refused", "refused", "recorded"]
    assert all(isinstance(o.refusal, NotFound) for o in result.outcomes[:2])
    assert registry.contract(HAIDIAN, contract_id)["consumed_lessons"] == 41
