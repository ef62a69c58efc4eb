"""Penalty decisions (行政处罚) and revocation of the licence (吊销办学许可证)."""

from __future__ import annotations

from datetime import date

import pytest

from registry.domain.errors import RuleViolation
from registry.domain.rules import RulePack
from tests.builders.events import event_names

# -- penalties -----------------------------------------------------------------------------


def penalty(given, **overrides) -> dict:
    fields = {
        "decision_no": "京海教罚〔2025〕12号",
        "kinds": ["warning", "fine"],
        "fine_fen": 3_000_000,
        "illegal_gains_fen": 0,
        "decided_on": date(2025, 6, 18),
        "actor": given.actor,
    }
    fields.update(overrides)
    return fields


def test_a_penalty_decision_is_recorded(given) -> None:
    inst = given.licensed()

    inst.impose_penalty(**penalty(given))

    assert event_names(inst) == ["PenaltyImposed"]
    assert inst.penalties == [
        {
            "decision_no": "京海教罚〔2025〕12号",
            "kinds": ["warning", "fine"],
            "fine_fen": 3_000_000,
            "illegal_gains_fen": 0,
            "decided_on": "2025-06-18",
        }
    ]


def test_a_penalty_needs_a_decision_number(given) -> None:
    inst = given.licensed()

    with pytest.raises(RuleViolation) as refused:
        inst.impose_penalty(**penalty(given, decision_no=""))

    assert refused.value.rule == "decision.document_number"


@pytest.mark.parametrize("kinds", [[], ["public_shaming"], ["fine", "detention"]])
def test_a_penalty_names_its_kinds_from_the_catalogue(given, kinds: list[str]) -> None:
    inst = given.licensed()

    with pytest.raises(RuleViolation) as refused:
        inst.impose_penalty(**penalty(given, kinds=kinds))

    assert refused.value.rule == "penalty.kind"


def test_the_penalty_catalogue_comes_from_the_rule_pack(given) -> None:
    inst = given.licensed()
    local_pack = RulePack(version="2025.1-bj", penalty_kinds=frozenset({"warning"}))

    with pytest.raises(RuleViolation) as refused:
        inst.impose_penalty(**penalty(given, kinds=["fine"]), pack=local_pack)

    assert refused.value.rule == "penalty.kind"


@pytest.mark.parametrize(
    ("fine_fen", "illegal_gains_fen"), [(-1, 0), (0, -50_000)], ids=["fine", "illegal-gains"]
)
def test_fines_and_illegal_gains_cannot_be_negative(
    given, fine_fen: int, illegal_gains_fen: int
) -> None:
    inst = given.licensed()

    with pytest.raises(RuleViolation) as refused:
        inst.impose_penalty(
            **penalty(given, fine_fen=fine_fen, illegal_gains_fen=illegal_gains_fen)
        )

    assert refused.value.rule == "penalty.amounts"


# -- revocation ----------------------------------------------------------------------------


def revocation(given, **overrides) -> dict:
    fields = {
        "decision_no": "京海教罚〔2025〕21号",
        "reason": "擅自开展学科类培训，拒不整改",
        "notice_served_on": date(2025, 6, 2),
        "effective_on": date(2025, 6, 20),
        "actor": given.actor,
    }
    fields.update(overrides)
    return fields


def test_a_suspended_institutions_licence_is_revoked(given) -> None:
    inst = given.suspended()

    inst.revoke_licence(**revocation(given))

    assert event_names(inst) == ["LicenceRevoked"]
    assert inst.status == "revoked"
    assert inst.suspension is None
    assert inst.revocation["effective_on"] == "2025-06-20"


def test_revocation_takes_effect_on_the_day_notice_is_served(given) -> None:
    inst = given.licensed()

    inst.revoke_licence(**revocation(given, effective_on=date(2025, 6, 2)))

    assert event_names(inst) == ["LicenceRevoked"]


def test_revocation_cannot_take_effect_before_notice_is_served(given) -> None:
    inst = given.licensed()

    with pytest.raises(RuleViolation) as refused:
        inst.revoke_licence(**revocation(given, effective_on=date(2025, 6, 1)))

    assert refused.value.rule == "revocation.notice_before_effect"


def test_revocation_needs_a_decision_number(given) -> None:
    inst = given.licensed()

    with pytest.raises(RuleViolation) as refused:
        inst.revoke_licence(**revocation(given, decision_no=" "))

    assert refused.value.rule == "decision.document_number"


@pytest.mark.parametrize("state", ["registered", "revoked", "converting"])
def test_only_a_licensed_or_suspended_licence_is_revoked(given, state: str) -> None:
    inst = {
        "registered": given.registered,
        "revoked": given.revoked,
        "converting": given.converting,
    }[state]()

    with pytest.raises(RuleViolation) as refused:
        inst.revoke_licence(**revocation(given))

    assert refused.value.rule == "revocation.state"
