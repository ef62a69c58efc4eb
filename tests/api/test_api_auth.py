"""Who may act on an institution: a key of the right role, for the institution's district.

Missing, unknown or revoked keys get 401; a known key of the wrong role or district gets 403
(``docs/domain.md``, Who acts). Every refusal records nothing.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from registry.bootstrap import Services
from registry.settings import Settings
from tests.builders.bodies import LICENCE
from tests.builders.bureau import Bureau
from tests.builders.routes import RegulatorCommand

Headers = dict[str, str]


def _revoked_key(services: Services) -> Headers:
    info, secret = services.keys.create("regulator", ["110108"], "海淀区教委（已离职科员）")
    services.keys.revoke(info.id)
    return {"Authorization": f"Bearer {secret}"}


CREDENTIALS = {
    "no key": lambda services: {},
    "an unknown key": lambda services: {"Authorization": "Bearer rk_0000_not-a-key-anyone-issued"},
    "a revoked key": _revoked_key,
}


@pytest.mark.parametrize("credential", CREDENTIALS)
def test_a_command_without_a_valid_key_is_refused_as_unauthenticated_and_records_nothing(
    command: RegulatorCommand,
    credential: str,
    bureau: Bureau,
    client: TestClient,
    services: Services,
    refused,
) -> None:
    target = command.given(bureau)
    key = CREDENTIALS[credential](services)

    with bureau.appends_nothing(target.institution_id):
        answer = command.send(client, target, key)

    refused(answer, 401)
    assert answer.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("role", ["feed_110108", "court"])
def test_a_bank_feed_or_a_court_may_not_make_a_regulators_decision(
    command: RegulatorCommand,
    role: str,
    bureau: Bureau,
    client: TestClient,
    request: pytest.FixtureRequest,
    refused,
) -> None:
    target = command.given(bureau)
    key = request.getfixturevalue(role)

    with bureau.appends_nothing(target.institution_id):
        answer = command.send(client, target, key)

    problem = refused(answer, 403)
    assert "role" in problem["detail"]


def test_the_regulator_of_another_district_may_not_act_on_an_institution_of_haidian(
    command: RegulatorCommand,
    bureau: Bureau,
    client: TestClient,
    regulator_310104: Headers,
    refused,
) -> None:
    target = command.given(bureau)

    with bureau.appends_nothing(target.institution_id):
        answer = command.send(client, target, regulator_310104)

    problem = refused(answer, 403)
    assert "110108" in problem["detail"]


@pytest.mark.parametrize(
    "authorization",
    ["Basic aGFpZGlhbjpwYXNzd29yZA==", "Bearer ", "Bearer", "rk_0000_no-scheme"],
    ids=["another scheme", "an empty bearer", "a bare scheme", "no scheme"],
)
def test_an_authorization_header_that_is_not_a_bearer_key_is_unauthenticated(
    authorization: str, bureau: Bureau, client: TestClient, refused
) -> None:
    institution_id = bureau.register()

    with bureau.appends_nothing(institution_id):
        answer = client.post(
            f"/v1/institutions/{institution_id}/licence",
            json=LICENCE,
            headers={"Authorization": authorization},
        )

    refused(answer, 401)


def test_a_stranger_sending_a_body_that_is_not_json_is_told_to_authenticate_first(
    bureau: Bureau, client: TestClient, refused
) -> None:
    institution_id = bureau.register()

    with bureau.appends_nothing(institution_id):
        answer = client.post(
            f"/v1/institutions/{institution_id}/licence",
            content=b'{"licence_no": ',
            headers={"Content-Type": "application/json"},
        )

    refused(answer, 401)


def test_a_regulator_of_several_districts_acts_in_each_of_them(
    bureau: Bureau, client: TestClient, services: Services
) -> None:
    _, secret = services.keys.create("regulator", ["310104", "110108"], "京沪联合执法组")
    institution_id = bureau.register()

    answer = client.post(
        f"/v1/institutions/{institution_id}/licence",
        json=LICENCE,
        headers={"Authorization": f"Bearer {secret}"},
    )

    assert answer.status_code == 200, answer.text


def test_revoking_a_key_stops_it_at_once(
    bureau: Bureau, client: TestClient, services: Services, refused
) -> None:
    info, secret = services.keys.create("regulator", ["110108"], "海淀区教委执法二科")
    key = {"Authorization": f"Bearer {secret}"}
    institution_id = bureau.register()
    assert client.get(f"/v1/institutions/{institution_id}", headers=key).status_code == 200

    services.keys.revoke(info.id)

    refused(client.get(f"/v1/institutions/{institution_id}", headers=key), 401)
    with bureau.appends_nothing(institution_id):
        answer = client.post(
            f"/v1/institutions/{institution_id}/licence", json=LICENCE, headers=key
        )
    refused(answer, 401)


def test_authentication_is_checked_before_the_body_so_a_stranger_learns_nothing(
    bureau: Bureau, client: TestClient, refused
) -> None:
    institution_id = bureau.register()

    answer = client.post(f"/v1/institutions/{institution_id}/licence", json={"licence_no": 1})

    refused(answer, 401)


def test_a_key_printed_by_registry_keys_create_opens_the_api(
    settings: Settings, bureau: Bureau, client: TestClient
) -> None:
    from typer.testing import CliRunner

    from cli.main import app as registry_cli

    environment = {
        "REGISTRY_DATABASE_URL": settings.database_url,
        "REGISTRY_DATABASE_SCHEMA": settings.database_schema,
    }
    created = CliRunner().invoke(
        registry_cli,
        [
            "keys",
            "create",
            "--role",
            "regulator",
            "--district",
            "110108",
            "--name",
            "海淀区教委监管科",
        ],
        env=environment,
    )
    assert created.exit_code == 0, created.output
    secret = created.output.strip().splitlines()[-1]
    institution_id = bureau.register()

    answer = client.post(
        f"/v1/institutions/{institution_id}/licence",
        json=LICENCE,
        headers={"Authorization": f"Bearer {secret}"},
    )

    assert answer.status_code == 200, answer.text
