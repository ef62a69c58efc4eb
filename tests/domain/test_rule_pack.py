"""The rule pack: stable rule ids, the national numbers, and a test for every rule judged."""

from __future__ import annotations

import ast
from pathlib import Path

from registry.domain import rules

HERE = Path(__file__).resolve().parent
DOMAIN = HERE.parents[1] / "registry" / "domain"
INSTITUTION_MODULES = ("licensing.py", "enforcement.py", "institution.py", "dating.py")


def _all_rules() -> list[rules.Rule]:
    return [value for value in vars(rules).values() if isinstance(value, rules.Rule)]


def _rules_judged_by_the_institution() -> set[str]:
    """Ids of the rules the Institution aggregate's modules name as ``rules.<NAME>``."""
    judged = set()
    for module in INSTITUTION_MODULES:
        tree = ast.parse((DOMAIN / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "rules"
                and isinstance(getattr(rules, node.attr, None), rules.Rule)
            ):
                judged.add(getattr(rules, node.attr).id)
    return judged


def test_every_rule_has_its_own_id() -> None:
    ids = [rule.id for rule in _all_rules()]

    assert len(ids) == len(set(ids))


def test_every_rule_the_institution_judges_by_has_a_test_naming_it() -> None:
    tests = "".join(path.read_text(encoding="utf-8") for path in HERE.glob("test_*.py"))
    judged = _rules_judged_by_the_institution()

    untested = sorted(rule for rule in judged if f'"{rule}"' not in tests)

    assert judged, "the Institution modules name no rules: has the layout changed?"
    assert untested == []


def test_the_national_prepaid_limits_are_three_months_sixty_hours_and_five_thousand_yuan() -> None:
    limits = rules.DEFAULT_RULE_PACK.prepaid

    assert (limits.max_months, limits.max_lessons, limits.max_amount_fen) == (3, 60, 500_000)


def test_the_rule_pack_records_its_version() -> None:
    assert rules.DEFAULT_RULE_PACK.version == rules.RULE_PACK_VERSION
