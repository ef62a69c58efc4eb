"""Every regulator command on an institution: what it answers, and the refusals all share.

Each test runs once per regulator command on an institution (``tests.builders.routes``), from
a state in which the command is allowed.
"""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID, uuid4

from fastapi.testclient import TestClient

from tests.builders.bureau import Bureau
from tests.builders.routes import RegulatorCommand

Headers = dict[str, str]


def test_the_district_regulator_records_the_command_and_gets_the_new_version_and_position(
    command: RegulatorCommand, bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    target = command.given(bureau)
    before = bureau.version(target.institution_id)

    answer = command.send(client, target, regulator_110108)

    assert answer.status_code == command.status, answer.text
    written = answer.json()
    assert written["version"] == before + 1
    assert written["position"] == bureau.head()
    assert answer.headers["etag"] == f'"{before + 1}"'
    if command.creates:
        assert written["institution_id"] == target.institution_id
        assert UUID(written["id"]) != UUID(target.institution_id)
    else:
        assert written["id"] == target.institution_id
    last = bureau.events(target.institution_id)[-1]
    assert (last.type, last.version, last.position) == (
        command.event,
        before + 1,
        written["position"],
    )
    assert bureau.version(target.institution_id) == before + 1


def test_an_administrator_may_record_the_command_for_any_district(
    command: RegulatorCommand, bureau: Bureau, client: TestClient, admin: Headers
) -> None:
    target = command.given(bureau)

    answer = command.send(client, target, admin)

    assert answer.status_code == command.status, answer.text
    assert bureau.events(target.institution_id)[-1].type == command.event


def test_the_command_is_recorded_when_if_match_names_the_current_version(
    command: RegulatorCommand, bureau: Bureau, client: TestClient, regulator_110108: Headers
) -> None:
    target = command.given(bureau)
    current = bureau.version(target.institution_id)

    answer = command.send(client, target, regulator_110108, headers={"If-Match": f'"{current}"'})

    assert answer.status_code == command.status, answer.text
    assert answer.json()["version"] == current + 1


def test_a_command_made_on_a_stale_version_is_refused_and_records_nothing(
    command: RegulatorCommand,
    bureau: Bureau,
    client: TestClient,
    regulator_110108: Headers,
    refused,
) -> None:
    target = command.given(bureau)
    stale = bureau.version(target.institution_id) - 1

    with bureau.appends_nothing(target.institution_id):
        answer = command.send(client, target, regulator_110108, headers={"If-Match": f'"{stale}"'})

    problem = refused(answer, 409)
    assert str(stale) in problem["detail"]


def test_a_command_on_an_institution_nobody_registered_is_not_found(
    command: RegulatorCommand,
    bureau: Bureau,
    client: TestClient,
    regulator_110108: Headers,
    refused,
) -> None:
    target = command.given(bureau)
    unknown = replace(target, ids={**target.ids, "id": str(uuid4())})

    with bureau.appends_nothing(target.institution_id):
        answer = command.send(client, unknown, regulator_110108)

    refused(answer, 404)
