"""``registry demo``: realistic demo data, loaded through the registry's own commands, once."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from typer.testing import Result

from cli.common import OPERATOR
from registry.demo.institutions import DemoInstitution, demo_institutions, everyone
from registry.domain.clock import today

if TYPE_CHECKING:
    from conftest import CommandLine

SEED = 7

# Where each story leaves its institution.
FINAL_STATUS = {
    "pending": "registered",
    "unsupervised": "licensed",
    "licensed": "licensed",
    "rectified": "licensed",
    "overdue": "licensed",
    "penalised": "licensed",
    "suspension_lifted": "licensed",
    "suspended": "suspended",
    "revoked": "revoked",
    "absconded": "ceased",
    "closed_voluntarily": "deregistered",
    "blacklist_lifted": "licensed",
    "legacy_academic": "licensed",
    "converted": "converted",
    "successor": "licensed",
    "converting": "converting",
    "successor_pending": "registered",
}


@pytest.fixture
def loaded(cli: CommandLine) -> Result:
    result = cli("demo", "--seed", str(SEED))
    assert result.exit_code == 0, result.output
    return result


def demo() -> list[DemoInstitution]:
    return everyone(demo_institutions(SEED))


def test_the_demo_registers_three_dozen_institutions_each_ending_where_its_story_says(
    cli: CommandLine, loaded: Result
) -> None:
    registry = cli.services().registry

    views = {inst.id: registry.institution(OPERATOR, inst.id) for inst in demo()}

    assert len(views) == 36
    assert len({v["district_code"] for v in views.values()}) == 11
    assert {v["credit_code"][:2] for v in views.values()} == {"91", "52"}
    assert any(v["delivery"] == "online" and "ICP备" in v["icp_number"] for v in views.values())
    for inst in demo():
        view = views[inst.id]
        assert view["status"] == FINAL_STATUS[inst.story], (inst.story, inst.name)
        assert view["blacklisted"] == (inst.story in ("revoked", "absconded")), inst.name


def test_the_demo_has_an_overdue_order_a_completed_conversion_and_the_operator_as_actor(
    cli: CommandLine, loaded: Result
) -> None:
    registry = cli.services().registry
    views = {inst.story: registry.institution(OPERATOR, inst.id) for inst in demo()}

    overdue = views["overdue"]["rectification_orders"][0]
    assert overdue["status"] == "open"
    assert date.fromisoformat(overdue["deadline"]) < today()
    assert views["converted"]["conversion"]["successor_id"] == views["successor"]["id"]
    events = registry.institution_events(OPERATOR, demo()[0].id)
    assert {e.actor["id"] for e in events} == {"cli-operator"}


def keys_printed(output: str) -> dict[str, str]:
    return {
        who: next(ln for ln in output.splitlines() if who in ln).split()[-1]
        for who in ("admin, every district", "regulator of 110108", "court, every district")
    }


def test_running_the_demo_twice_adds_nothing_and_prints_the_same_keys_a_court_key_too(
    cli: CommandLine, loaded: Result
) -> None:
    first = demo()[0]
    version = cli.services().registry.institution(OPERATOR, first.id)["version"]

    again = cli("demo", "--seed", str(SEED))

    assert again.exit_code == 0, again.output
    assert "already loaded" in again.stdout
    services = cli.services()
    assert services.registry.institution(OPERATOR, first.id)["version"] == version
    assert len(services.keys.list()) == 3
    keys = keys_printed(again.stdout)
    assert keys == keys_printed(loaded.stdout)
    principal = services.keys.authenticate(keys["regulator of 110108"])
    assert (principal.role, principal.districts) == ("regulator", ("110108",))
    assert services.keys.authenticate(keys["court, every district"]).role == "court"


def test_a_demo_institution_as_of_a_day_before_it_entered_the_register_is_not_found(
    cli: CommandLine, loaded: Result
) -> None:
    first = demo()[0]

    result = cli("institutions", "show", str(first.id), "--as-of", "2019-06-02")

    message = cli.refused(result)
    assert "not yet in the register on 2019-06-02" in message


def test_a_demo_institution_known_before_the_demo_was_loaded_is_not_found(
    cli: CommandLine, loaded: Result
) -> None:
    first = demo()[0]

    result = cli("institutions", "show", str(first.id), "--known-at", "2021-07-24T12:00:00+08:00")

    message = cli.refused(result)
    assert "not yet recorded at 2021-07-24" in message
