"""``registry keys``: an operator issues, lists and revokes API keys."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import pytest

from registry.domain.errors import Unauthenticated

if TYPE_CHECKING:
    from conftest import CommandLine


def test_a_created_key_is_printed_alone_on_the_last_line_and_acts_for_its_holder(
    cli: CommandLine,
) -> None:
    result = cli(
        "keys", "create", "--role", "regulator", "--district", "110108",
        "--district", "110105", "--name", "海淀区教委 监管科",
    )  # fmt: skip

    secret = cli.last_line(result)
    assert secret.split() == [secret]
    principal = cli.services().keys.authenticate(secret)
    assert principal.role == "regulator"
    assert principal.districts == ("110108", "110105")
    assert principal.name == "海淀区教委 监管科"
    assert f"created API key {principal.id}" in result.stdout


def test_listing_keys_shows_who_holds_them_but_never_a_key_or_its_hash(cli: CommandLine) -> None:
    secrets = [
        cli.last_line(cli("keys", "create", "--role", "admin", "--name", "市教委信息中心")),
        cli.last_line(cli("keys", "create", "--role", "court")),
    ]

    result = cli("keys", "list")

    assert result.exit_code == 0, result.output
    services = cli.services()
    for secret in secrets:
        assert secret not in result.output
        assert hashlib.sha256(secret.encode()).hexdigest() not in result.output
        assert services.keys.authenticate(secret).id in result.output
    assert "市教委信息中心" in result.output
    assert "court key" in result.output


def test_a_revoked_key_no_longer_authenticates_and_is_listed_as_revoked(cli: CommandLine) -> None:
    secret = cli.last_line(cli("keys", "create", "--role", "feed", "--district", "310104"))
    key_id = cli.services().keys.authenticate(secret).id

    result = cli("keys", "revoke", key_id)

    assert result.exit_code == 0, result.output
    with pytest.raises(Unauthenticated):
        cli.services().keys.authenticate(secret)
    listed = next(line for line in cli("keys", "list").stdout.splitlines() if key_id in line)
    assert not listed.rstrip().endswith("-"), "the REVOKED column shows when"


def test_an_unknown_role_is_refused_in_one_line_and_no_key_is_created(cli: CommandLine) -> None:
    message = cli.refused(cli("keys", "create", "--role", "superuser"))

    assert "role must be one of" in message
    assert cli.services().keys.list() == []


def test_a_regulator_key_needs_a_district(cli: CommandLine) -> None:
    message = cli.refused(cli("keys", "create", "--role", "regulator"))

    assert "--district" in message


def test_revoking_a_key_nobody_issued_is_refused_in_one_line(cli: CommandLine) -> None:
    message = cli.refused(cli("keys", "revoke", "0123456789abcdef"))

    assert "0123456789abcdef" in message


def test_a_key_issued_to_expire_says_when_and_the_list_shows_its_expiry_and_last_use(
    cli: CommandLine,
) -> None:
    result = cli("keys", "create", "--role", "court", "--expires-in", "90d")
    secret = cli.last_line(result)
    assert "expires:   never" not in result.stdout and "expires:" in result.stdout
    cli.services().keys.authenticate(secret)

    listed = cli("keys", "list")
    header = listed.stdout.splitlines()[0].split()
    assert header[-4:] == ["EXPIRES", "LAST", "USED", "REVOKED"]
    assert secret not in listed.stdout


@pytest.mark.parametrize("period", ["0d", "90x", "forever", "20y"])
def test_an_expiry_that_is_not_a_period_is_a_usage_error(cli: CommandLine, period: str) -> None:
    result = cli("keys", "create", "--role", "court", "--expires-in", period)
    assert result.exit_code == 2, result.output
    assert cli.services().keys.list() == []
