"""The scale generator dates every decision as the command path would accept it.

It writes through the aggregates, not ``Registry.execute``, so nothing on its way checks the
bounds of effective dates (``decision.date_bounds``): it must keep them itself, and the order
against the record (``decision.date_order``) that the aggregates check. Institutions 69, 188,
194, 314 and 620 of seed 11 once ceased or lost their licence before they were registered or
licensed, and stopped the load. No database.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from registry.demo.scale_lives import build
from registry.domain.clock import today
from registry.domain.institution import Institution
from registry.domain.rules import DEFAULT_RULE_PACK
from registry.domain.standing import in_effect_order

EARLIEST = DEFAULT_RULE_PACK.earliest_effective_date
LATEST = today() + timedelta(days=DEFAULT_RULE_PACK.max_days_ahead)


@pytest.mark.parametrize("seed", [11, 1])
def test_every_decision_of_the_scale_generator_lies_within_the_bounds_and_in_order(
    seed: int,
) -> None:
    checked = 0
    for n in range(1, 701):
        for aggregate in build(seed, n, 0):
            if not isinstance(aggregate, Institution):
                continue
            decisions = in_effect_order(aggregate.decisions)
            assert decisions[0].kind == "InstitutionRegistered", (seed, n)
            for d in decisions:
                assert EARLIEST <= d.effective_on <= LATEST, (seed, n, d.kind, d.effective_on)
                checked += 1
    assert checked > 2_000


@pytest.mark.parametrize("n", [34837, 41439])
def test_a_blacklisting_dated_after_the_generators_day_is_never_lifted_before_it_began(
    n: int,
) -> None:
    # Institutions 34837 and 41439 of seed 2021 were recorded late, blacklisted in November
    # and "lifted" on the generator's day in October: the 100,000-institution load stopped.
    for aggregate in build(2021, n, 1):
        if isinstance(aggregate, Institution):
            kinds = [d.kind for d in in_effect_order(aggregate.decisions)]
            assert "Blacklisted" in kinds, (n, kinds)
            assert "RemovedFromBlacklist" not in kinds, (n, kinds)
