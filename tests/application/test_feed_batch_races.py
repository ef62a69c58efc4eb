"""Feeds' batches racing on the same contracts: SQLite and PostgreSQL alike.

A batch is saved in one transaction under the event store's version check; when another
writer changed one of its contracts meanwhile, the whole batch is judged again on the contract
as saved. No interleaving consumes more lessons than were bought, and every fact a batch
answers as recorded is in the ledger exactly once.
"""

from __future__ import annotations

from typing import Any

from registry.application.feed_batches import BatchResult
from registry.bootstrap import Services
from registry.domain.errors import Conflict
from tests.application.test_concurrent_contract_reports import fifty_lessons, race
from tests.builders.commands import legitimate, record_consumption, sign_contract
from tests.builders.principals import HAIDIAN, HAIDIAN_BANK


def test_racing_batches_never_consume_more_than_was_bought_and_record_what_they_answer(
    services: Services,
) -> None:
    registry = services.registry
    contract_id = fifty_lessons(registry)
    batch = [record_consumption(contract_id, 3) for _ in range(5)]

    outcomes = race(4, lambda: registry.report_facts(HAIDIAN_BANK, batch))

    answered = [o for o in outcomes if isinstance(o, BatchResult)]
    assert all(isinstance(o, BatchResult | Conflict) for o in outcomes), outcomes
    recorded = sum(o.recorded for o in answered)
    consumed = registry.contract(HAIDIAN, contract_id)["consumed_lessons"]
    assert consumed == 3 * recorded <= 50
    assert recorded == min(16, 5 * len(answered))


def test_a_batch_over_many_contracts_is_saved_in_one_transaction_at_consecutive_positions(
    services: Services,
) -> None:
    registry = services.registry
    institution_id = legitimate(registry)
    contracts = [
        registry.execute(HAIDIAN_BANK, sign_contract(institution_id, paid_lessons=50)).id
        for _ in range(3)
    ]
    facts: list[Any] = [record_consumption(c, 1) for c in contracts for _ in range(2)]

    result = registry.report_facts(HAIDIAN_BANK, facts)

    positions = sorted(o.position for o in result.outcomes if o.position is not None)
    assert positions == list(range(positions[0], positions[0] + 6))
    assert result.position == registry.store.head() == positions[-1]
    assert [o.version for o in result.outcomes] == [2, 3] * 3
