"""Decisions the regulations allow that the lifecycle has to let through, and those it refuses
with a pointer to the right command (docs/domain.md §4.1, §4.4)."""

from __future__ import annotations

from datetime import date

import pytest

from registry.domain.errors import RuleViolation
from registry.domain.institution import Institution
from tests.builders.given import Given
from tests.builders.institutions import arts_school


def penalise(given: Given, inst: Institution, *kinds: str) -> None:
    inst.impose_penalty(
        decision_no="海教罚〔2025〕12号",
        kinds=list(kinds),
        fine_fen=0,
        illegal_gains_fen=0,
        decided_on=date(2025, 6, 1),
        actor=given.actor,
    )


@pytest.mark.parametrize(
    ("kind", "pointer"),
    [("stop_enrolment", "/suspension"), ("licence_revocation", "/revocation")],
)
def test_penalty_status_by_own_command_refuses_a_status_penalty_of_a_licensed_institution(
    given: Given, kind: str, pointer: str
) -> None:
    inst = given.licensed()

    with pytest.raises(RuleViolation) as refused:
        penalise(given, inst, "warning", kind)

    assert refused.value.rule == "penalty.status_by_own_command"
    assert pointer in str(refused.value)
    assert inst.collect_events() == []


def test_penalty_status_by_own_command_publishes_stop_enrolment_once_suspended(
    given: Given,
) -> None:
    inst = given.suspended()

    penalise(given, inst, "fine", "stop_enrolment")

    assert inst.penalties[-1]["kinds"] == ["fine", "stop_enrolment"]


def test_penalty_status_by_own_command_publishes_licence_revocation_once_revoked(
    given: Given,
) -> None:
    inst = given.revoked()

    penalise(given, inst, "licence_revocation")

    assert inst.penalties[-1]["kinds"] == ["licence_revocation"]


@pytest.mark.parametrize("subject", ["数学", "英语", "道德与法治", "物理"])
def test_institution_subject_category_refuses_academic_subjects_under_non_academic(
    subject: str,
) -> None:
    with pytest.raises(RuleViolation) as refused:
        Institution.register(**arts_school(subjects=["美术", subject]), actor=Given.actor)

    assert refused.value.rule == "institution.subject_category"
    assert subject in str(refused.value)


def test_institution_subject_category_accepts_arts_and_sports_under_non_academic() -> None:
    inst = Institution.register(
        **arts_school(subjects=["美术", "书法", "篮球", "编程"]), actor=Given.actor
    )

    assert inst.category == "non_academic"
