"""Public answers from memory and current pages read past the router, as the public sees them.

A current institution page on PostgreSQL is one prepared read of its own pool
(``api/public_pages.py``); it must be the route's answer byte for byte, with the same headers,
and anything it cannot answer (an institution not in the register, a page as of a day, another
backend) must still be answered by the route. Answers kept in memory are named by their route
in the request log and the metrics, like answers the route gave.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from registry.bootstrap import Services
from registry.settings import Settings
from tests.builders.bureau import Bureau

PAGE_ROUTE = 'route="/v1/public/institutions/{institution_id}"'


class CountedReads:
    """The app's page reader, counting the pages it answered."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.answered = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.reader, name)

    async def page(self, path: str) -> bytes | None:
        body: bytes | None = await self.reader.page(path)
        self.answered += body is not None
        return body


@pytest.fixture
def by_the_route(settings: Settings, services: Services) -> Iterator[TestClient]:
    """A second app on the same database whose every page goes through the route."""
    with TestClient(create_app(settings, services, run_projector=False)) as route_client:
        route_client.app.state.page_reader = None  # type: ignore[attr-defined]
        yield route_client


@pytest.fixture
def counted(client: TestClient) -> CountedReads | None:
    reader = client.app.state.page_reader  # type: ignore[attr-defined]
    if reader is None:
        return None
    client.app.state.page_reader = CountedReads(reader)  # type: ignore[attr-defined]
    return client.app.state.page_reader  # type: ignore[no-any-return]


def schools_in_every_standing(bureau: Bureau) -> list[str]:
    legitimate, suspended, penalised, revoked = (
        bureau.legitimate(credit_code=bureau.new_credit_code()) for _ in range(4)
    )
    bureau.suspend(suspended)
    bureau.penalise(penalised)
    bureau.revoke(revoked)
    bureau.blacklist(revoked)
    registered = bureau.register(credit_code=bureau.new_credit_code())
    bureau.caught_up()
    return [legitimate, suspended, penalised, revoked, registered]


def test_a_current_page_is_the_routes_answer_byte_for_byte_with_the_same_headers(
    settings: Settings,
    bureau: Bureau,
    client: TestClient,
    by_the_route: TestClient,
    counted: CountedReads | None,
) -> None:
    schools = schools_in_every_standing(bureau)
    for school in schools:
        fast = client.get(f"/v1/public/institutions/{school}")
        slow = by_the_route.get(f"/v1/public/institutions/{school}")
        assert fast.status_code == slow.status_code == 200, (fast.text, slow.text)
        assert fast.content == slow.content
        for header in ("content-type", "content-length", "etag", "cache-control"):
            assert fast.headers[header] == slow.headers[header], header
    if settings.backend == "postgresql":
        assert counted is not None and counted.answered == len(schools)
    else:  # the embedded database has no pool of its own to read from: the route answers
        assert counted is None


def test_a_page_not_in_the_register_is_answered_by_the_route_as_a_problem(
    client: TestClient, counted: CountedReads | None
) -> None:
    answer = client.get(f"/v1/public/institutions/{uuid4()}")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert counted is None or counted.answered == 0


def test_a_page_as_of_a_day_or_as_known_at_a_time_is_answered_by_the_route(
    bureau: Bureau, client: TestClient, counted: CountedReads | None
) -> None:
    school = bureau.legitimate()
    bureau.caught_up()
    as_of = client.get(f"/v1/public/institutions/{school}?as_of=2019-01-01")
    assert as_of.status_code == 404, as_of.text  # not yet in the register on that day
    known_at = client.get(
        f"/v1/public/institutions/{school}", params={"known_at": "2100-01-01T00:00:00+08:00"}
    )
    assert known_at.status_code == 200, known_at.text
    assert known_at.json()["known_at"] is not None
    assert counted is None or counted.answered == 0


def test_a_page_in_another_spelling_of_its_id_is_the_same_page(
    bureau: Bureau, client: TestClient
) -> None:
    school = bureau.legitimate()
    bureau.caught_up()
    plain = client.get(f"/v1/public/institutions/{school}")
    upper = client.get(f"/v1/public/institutions/{school.upper().replace('-', '')}")
    assert upper.status_code == 200, upper.text
    assert upper.content == plain.content


def test_the_metrics_name_pages_answered_from_memory_by_their_route(
    bureau: Bureau, client: TestClient
) -> None:
    school = bureau.legitimate()
    bureau.caught_up()
    for _ in range(3):  # the first answer is read, the next two come from memory
        assert client.get(f"/v1/public/institutions/{school}").status_code == 200
    metrics = client.get("/metrics").text
    pages = [
        line
        for line in metrics.splitlines()
        if line.startswith("registry_http_requests_total") and PAGE_ROUTE in line
    ]
    assert pages and float(pages[0].rsplit(" ", 1)[1]) == 3, pages
    assert 'route="unmatched"' not in metrics
