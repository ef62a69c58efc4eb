"""Two processes writing the same contract, each with its own cache of aggregates.

A command is first judged on this process's cached copy of the record it changes, without
reading the database. Whatever another process recorded since is caught: the save's version
check refuses a copy that was behind, and a refusal judged on such a copy is not trusted;
either way the command is judged again on the record as stored. SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from registry.bootstrap import Services, build_services
from registry.domain.commands.contracts import ReleaseEscrow
from registry.domain.errors import RuleViolation
from registry.settings import Settings
from tests.builders.commands import legitimate, paid_contract, record_consumption
from tests.builders.principals import HAIDIAN, HAIDIAN_BANK


@pytest.fixture
def other_process(settings: Settings, services: Services) -> Iterator[Services]:
    """The registry's services in a second process (its own cache), on the same database."""
    other = build_services(settings)
    yield other
    other.close()


def test_a_lesson_report_on_a_copy_another_process_overtook_is_judged_on_the_stored_contract(
    services: Services, other_process: Services
) -> None:
    here, there = services.registry, other_process.registry
    contract_id = paid_contract(here, legitimate(here))
    here.execute(HAIDIAN_BANK, record_consumption(contract_id, 2))  # cached here: 2 taught
    there.execute(HAIDIAN_BANK, record_consumption(contract_id, 48))  # stored: 50 taught

    with pytest.raises(RuleViolation) as refused:
        here.execute(HAIDIAN_BANK, record_consumption(contract_id, 10))

    assert refused.value.rule == "lessons.within_purchase"
    assert here.contract(HAIDIAN, contract_id)["consumed_lessons"] == 50


def test_a_release_refused_on_a_copy_that_was_behind_is_recorded_on_the_stored_contract(
    services: Services, other_process: Services
) -> None:
    here, there = services.registry, other_process.registry
    contract_id = paid_contract(here, legitimate(here))
    release = ReleaseEscrow(contract_id=contract_id, amount_fen=100_000)
    with pytest.raises(RuleViolation):
        here.execute(HAIDIAN_BANK, release)  # nothing taught yet, as cached here
    there.execute(HAIDIAN_BANK, record_consumption(contract_id, 20))

    written = here.execute(HAIDIAN_BANK, release)

    assert written.version == 4
    assert here.contract(HAIDIAN, contract_id)["released_fen"] == 100_000


def test_a_batch_judged_on_copies_another_process_overtook_is_judged_again_and_saved_once(
    services: Services, other_process: Services
) -> None:
    here, there = services.registry, other_process.registry
    contract_id = paid_contract(here, legitimate(here))
    here.report_facts(HAIDIAN_BANK, [record_consumption(contract_id, 2)])
    there.execute(HAIDIAN_BANK, record_consumption(contract_id, 40))

    result = here.report_facts(
        HAIDIAN_BANK, [record_consumption(contract_id, 5), record_consumption(contract_id, 6)]
    )

    assert [o.status for o in result.outcomes] == ["recorded", "refused"]
    assert [o.version for o in result.outcomes] == [5, None]
    assert here.contract(HAIDIAN, contract_id)["consumed_lessons"] == 47
