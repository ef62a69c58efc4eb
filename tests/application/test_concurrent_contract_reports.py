"""Feeds reporting on one contract at the same moment: SQLite and PostgreSQL alike.

Each report is judged on the contract as saved: a report on a version another report has
changed is a conflict; a report naming no version that loses the race to save is judged again
on what the winner saved; and no interleaving ever consumes more lessons than were bought or
leaves a contract off its institution's roster.
"""

from __future__ import annotations

import threading
from typing import Any
from uuid import UUID

from registry.application.registry import Registry
from registry.application.rosters import roster
from registry.bootstrap import Services
from registry.domain.errors import Conflict, RuleViolation
from tests.builders.commands import (
    contract_event_types,
    legitimate,
    record_consumption,
    sign_contract,
)
from tests.builders.principals import HAIDIAN, HAIDIAN_BANK


def fifty_lessons(registry: Registry) -> UUID:
    """A contract of 50 paid lessons and no gift lessons, with a legitimate arts school."""
    contract = sign_contract(legitimate(registry), paid_lessons=50, gift_lessons=0)
    return registry.execute(HAIDIAN_BANK, contract).id


def consume(registry: Registry, contract_id: UUID, lessons: int, **kwargs: Any) -> Any:
    return registry.execute(HAIDIAN_BANK, record_consumption(contract_id, lessons), **kwargs)


def race(reports: int, attempt: Any) -> list[Any]:
    """Run ``attempt()`` in ``reports`` threads released at the same instant; their outcomes."""
    start = threading.Barrier(reports)
    outcomes: list[Any] = [None] * reports

    def run(n: int) -> None:
        start.wait()
        try:
            outcomes[n] = attempt()
        except Exception as error:  # every outcome is judged by the test
            outcomes[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(reports)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_concurrent_lesson_reports_on_the_version_they_read_are_recorded_at_most_once(
    services: Services,
) -> None:
    registry = services.registry
    contract_id = fifty_lessons(registry)
    version = registry.contract(HAIDIAN, contract_id)["version"]

    outcomes = race(8, lambda: consume(registry, contract_id, 10, expected_version=version))

    accepted = [o for o in outcomes if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, Conflict) for o in losers), losers
    consumed = registry.contract(HAIDIAN, contract_id)["consumed_lessons"]
    assert len(accepted) == 1
    assert len(accepted) * 10 == consumed


def test_concurrent_lesson_reports_without_a_version_are_each_judged_and_never_exceed_the_purchase(
    services: Services,
) -> None:
    # A report that loses the race to save is judged again on what the winner saved: eight at
    # once are each accepted or refused by the rule, none is sent back as a conflict.
    registry = services.registry
    contract_id = fifty_lessons(registry)

    outcomes = race(8, lambda: consume(registry, contract_id, 10))

    judged = [o.rule if isinstance(o, RuleViolation) else type(o).__name__ for o in outcomes]
    assert sorted(judged) == ["WriteResult"] * 5 + ["lessons.within_purchase"] * 3, outcomes
    assert registry.contract(HAIDIAN, contract_id)["consumed_lessons"] == 50
    assert contract_event_types(registry, contract_id).count("LessonsConsumed") == 5


def test_feeds_retrying_after_a_conflict_consume_exactly_what_was_bought(
    services: Services,
) -> None:
    registry = services.registry
    contract_id = fifty_lessons(registry)

    def report_until_judged() -> str:
        while True:
            try:
                consume(registry, contract_id, 10)
            except Conflict:
                continue  # another report got there first: read again and retry
            except RuleViolation as refused:
                return refused.rule
            return "accepted"

    outcomes = race(8, report_until_judged)

    assert sorted(outcomes) == ["accepted"] * 5 + ["lessons.within_purchase"] * 3
    assert registry.contract(HAIDIAN, contract_id)["consumed_lessons"] == 50


def test_contracts_signed_at_the_same_moment_all_join_the_institutions_roster(
    services: Services,
) -> None:
    # The roster is how an abnormal closure finds the contracts to freeze: none may be missed.
    registry = services.registry
    institution_id = legitimate(registry)

    outcomes = race(8, lambda: registry.execute(HAIDIAN_BANK, sign_contract(institution_id)))

    signed = [o.id for o in outcomes if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, Conflict) for o in losers), losers
    assert signed
    assert sorted(roster(registry.store, institution_id).contract_ids) == sorted(signed)
