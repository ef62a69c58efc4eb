"""The API as a bureau's client sees it: a running app, keys for every role, and a bureau's desk.

Every test gets the app over the fresh database of the ``services`` fixture (SQLite always,
PostgreSQL when reachable). Institutions are brought into the state a test needs only through
the API, by ``bureau`` (``tests.builders.bureau``). ``pytest_generate_tests`` runs any test
that asks for ``command`` once per regulator command on an institution
(``tests.builders.routes``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from registry.bootstrap import Services
from registry.settings import Settings
from tests.builders.answers import assert_refused
from tests.builders.bodies import PAYMENT, TWENTY_LESSONS
from tests.builders.bureau import Bureau
from tests.builders.ledger import Ledger
from tests.builders.principals import bearer
from tests.builders.routes import COMMANDS

Headers = dict[str, str]


@pytest.fixture
def refused() -> Callable[[httpx.Response, int], dict[str, Any]]:
    """``refused(answer, 403)`` asserts a problem+json refusal and returns its body."""
    return assert_refused


# -- the app -----------------------------------------------------------------------------------


@pytest.fixture
def client(settings: Settings, services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(settings, services)) as test_client:
        yield test_client


@pytest.fixture
def no_projector(settings: Settings, services: Services) -> Iterator[TestClient]:
    """The API without a projector of its own, as when ``registry project`` runs apart."""
    with TestClient(create_app(settings, services, run_projector=False)) as test_client:
        yield test_client


# -- the keys ----------------------------------------------------------------------------------


@pytest.fixture
def admin(services: Services) -> Headers:
    return bearer(services, "admin", [], "教育部校外教育培训监管司")


@pytest.fixture
def regulator_110108(services: Services) -> Headers:
    return bearer(services, "regulator", ["110108"], "北京市海淀区教育委员会")


@pytest.fixture
def regulator_310104(services: Services) -> Headers:
    return bearer(services, "regulator", ["310104"], "上海市徐汇区教育局")


@pytest.fixture
def feed_110108(services: Services) -> Headers:
    return bearer(services, "feed", ["110108"], "中国工商银行北京海淀支行资金监管接口")


@pytest.fixture
def feed_310104(services: Services) -> Headers:
    return bearer(services, "feed", ["310104"], "交通银行上海徐汇支行资金监管接口")


@pytest.fixture
def court(services: Services) -> Headers:
    return bearer(services, "court", [], "北京市海淀区人民法院")


# -- the bureaus and the bank at their desks ----------------------------------------------------


@pytest.fixture
def bureau(client: TestClient, services: Services, regulator_110108: Headers) -> Bureau:
    """北京市海淀区教育委员会 at its desk, with its regulator key."""
    return Bureau(client, services, regulator_110108)


@pytest.fixture
def xuhui_bureau(bureau: Bureau, regulator_310104: Headers) -> Bureau:
    """上海市徐汇区教育局 at its desk, at the same API."""
    return bureau.of_another_district(regulator_310104)


@pytest.fixture
def ledger(client: TestClient, services: Services, feed_110108: Headers) -> Ledger:
    """A contract as 中国工商银行北京海淀支行's feed reports it (signed by ``ledger.sign``)."""
    return Ledger(client, services, feed_110108)


@pytest.fixture
def worked_example(ledger: Ledger, bureau: Bureau) -> Ledger:
    """A contract of a legitimate arts school, paid in full, 20 lessons taught."""
    ledger.sign(bureau.legitimate())
    ledger.reported("payments", PAYMENT)
    ledger.reported("consumptions", TWENTY_LESSONS)
    return ledger


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "command" in metafunc.fixturenames:
        metafunc.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
