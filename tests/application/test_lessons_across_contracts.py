"""The 60-lesson cap counts a pupil's lessons at one institution across overlapping contracts
(``prepaid.max_lessons``), so splitting a package into several contracts does not escape it.

The pupil is recognised by the contract's pupil reference, kept in the institution's roster as
a pseudonym only; the judgement reads the roster and contract streams, never a read model, so a
replay of the log gives the same flags. SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from registry.application.registry import Registry
from registry.bootstrap import Services
from registry.domain.roster import ContractRoster
from tests.builders.codes import OTHER_COMPANY_CODE
from tests.builders.commands import legitimate, record_consumption, record_payment, sign_contract
from tests.builders.contracts import shanghai
from tests.builders.principals import HAIDIAN, HAIDIAN_BANK

SPRING = {"start_date": date(2026, 3, 2), "end_date": date(2026, 5, 31)}
SUMMER = {"start_date": date(2026, 6, 1), "end_date": date(2026, 8, 31)}


def paid_package(
    registry: Registry, school: UUID, lessons: int, pupil_ref: str = "pupil-2026-0417", **terms: Any
) -> UUID:
    """A contract of ``lessons`` lessons at 50 yuan for the pupil, paid in one charge for its
    whole term the day before it starts; its id."""
    term = {**SPRING, **terms}
    contract = registry.execute(
        HAIDIAN_BANK,
        sign_contract(
            school,
            pupil_ref=pupil_ref,
            paid_lessons=lessons,
            gift_lessons=0,
            price_per_lesson_fen=5_000,
            **term,
        ),
    ).id
    registry.execute(
        HAIDIAN_BANK,
        record_payment(
            contract,
            amount_fen=lessons * 5_000,
            lessons_covered=lessons,
            paid_at=shanghai((term["start_date"] - timedelta(days=1)).isoformat(), "10:00"),
            covers_from=term["start_date"],
            covers_until=term["end_date"],
        ),
    )
    return contract


def flags(registry: Registry, contract_id: UUID) -> list[dict[str, Any]]:
    return list(registry.contract(HAIDIAN, contract_id)["breaches"])


def test_a_package_split_into_two_overlapping_contracts_of_one_pupil_is_flagged_max_lessons(
    services: Services,
) -> None:
    registry = services.registry
    school = legitimate(registry)
    first = paid_package(registry, school, 40)

    second = paid_package(registry, school, 40)

    assert flags(registry, first) == []
    (breach,) = flags(registry, second)
    assert breach["rule"] == "prepaid.max_lessons"
    assert "40 of them on the pupil's other contracts" in breach["detail"]
    assert "pupil-2026-0417" not in breach["detail"]


def test_contracts_of_different_pupils_are_not_counted_together_max_lessons(
    services: Services,
) -> None:
    registry = services.registry
    school = legitimate(registry)
    paid_package(registry, school, 40, pupil_ref="pupil-2026-0417")

    other = paid_package(registry, school, 40, pupil_ref="pupil-2026-0418")

    assert flags(registry, other) == []


def test_a_contract_whose_term_does_not_overlap_is_not_counted_max_lessons(
    services: Services,
) -> None:
    registry = services.registry
    school = legitimate(registry)
    paid_package(registry, school, 40)

    summer = paid_package(registry, school, 40, **SUMMER)

    assert flags(registry, summer) == []


def test_only_lessons_still_to_teach_on_the_other_contract_count_max_lessons(
    services: Services,
) -> None:
    registry = services.registry
    school = legitimate(registry)
    first = paid_package(registry, school, 40)
    registry.execute(HAIDIAN_BANK, record_consumption(first, 20))

    second = paid_package(registry, school, 40)

    assert flags(registry, second) == []


def test_the_pupils_lessons_at_another_institution_are_not_counted_max_lessons(
    services: Services,
) -> None:
    registry = services.registry
    paid_package(registry, legitimate(registry), 40)
    other_school = legitimate(
        registry, credit_code=OTHER_COMPANY_CODE, name="北京远航艺术培训有限公司"
    )

    elsewhere = paid_package(registry, other_school, 40)

    assert flags(registry, elsewhere) == []


def test_the_roster_names_the_pupil_by_a_pseudonym_and_keeps_no_pupil_reference(
    services: Services,
) -> None:
    registry = services.registry
    school = legitimate(registry)
    paid_package(registry, school, 40)

    stored = registry.store.recorder.select_events(ContractRoster.create_id(school))

    assert len(stored) == 2
    assert all(b"pupil-2026-0417" not in s.state for s in stored)
    assert any(b"pupil_key" in s.state for s in stored)
