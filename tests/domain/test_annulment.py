"""Annulment: a decision set aside on reconsideration (行政复议) or by a court.

It stops counting for what was in force, for every day, from the moment the annulment is
recorded; the log keeps it, and what was known before the annulment still shows it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from registry.domain.errors import RuleViolation
from registry.domain.standing import standing
from tests.builders.events import event_names


def annul(given, inst, version: int, decision_no: str = "京海复〔2026〕8号") -> None:
    inst.annul_decision(
        version=version,
        decision_no=decision_no,
        annulled_on=date(2026, 10, 9),
        reason="行政复议决定撤销原处罚决定",
        actor=given.actor,
    )


def test_an_annulled_suspension_no_longer_counts_on_any_day(given) -> None:
    inst = given.supervised(given.suspended())
    suspension = next(d for d in inst.decisions if d.kind == "EnrolmentSuspended")
    before = datetime.now(UTC)

    annul(given, inst, suspension.version)

    assert event_names(inst) == ["DecisionAnnulled"]
    assert inst.status == "licensed"
    assert inst.suspension is None
    assert standing(inst.decisions, date(2025, 6, 1)).status == "licensed"
    # What the registry knew before the annulment still shows the suspension.
    assert standing(inst.decisions, date(2025, 6, 1), known_at=before).status == "suspended"


def test_an_annulled_penalty_leaves_the_published_penalties(given) -> None:
    inst = given.licensed()
    inst.impose_penalty(
        decision_no="海教罚〔2025〕7号",
        kinds=["warning"],
        fine_fen=0,
        illegal_gains_fen=0,
        decided_on=date(2025, 6, 1),
        actor=given.actor,
    )

    annul(given, inst, inst.decisions[-1].version)

    assert inst.penalties == []
    assert standing(inst.decisions, date(2025, 7, 1)).penalties == []


def test_the_entry_in_the_register_is_not_annulled(given) -> None:
    inst = given.licensed()

    with pytest.raises(RuleViolation) as refused:
        annul(given, inst, 1)

    assert refused.value.rule == "annulment.target"


def test_a_decision_is_annulled_once(given) -> None:
    inst = given.suspended()
    annul(given, inst, 3)

    with pytest.raises(RuleViolation) as refused:
        annul(given, inst, 3, decision_no="京海复〔2026〕9号")

    assert refused.value.rule == "annulment.once"


def test_a_licence_is_not_annulled_while_a_suspension_rests_on_it(given) -> None:
    inst = given.suspended()

    with pytest.raises(RuleViolation) as refused:
        annul(given, inst, 2)

    assert refused.value.rule == "annulment.latest_status"


def test_an_annulment_carries_its_decision_number(given) -> None:
    inst = given.suspended()

    with pytest.raises(RuleViolation) as refused:
        annul(given, inst, 3, decision_no=" ")

    assert refused.value.rule == "decision.document_number"
