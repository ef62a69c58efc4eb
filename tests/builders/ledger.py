"""One contract as a custody bank's feed reports it and a bureau reads it, over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from fastapi.testclient import TestClient

from registry.bootstrap import Services
from tests.builders.bodies import contract_body

Headers = dict[str, str]


class Ledger:
    """The contract the feed signs with ``sign``; its facts are reported to ``url(what)``."""

    def __init__(self, client: TestClient, services: Services, feed: Headers) -> None:
        self.client = client
        self.services = services
        self.feed = feed
        self.id = ""

    def head(self) -> int:
        return self.services.registry.store.head()

    def sign(self, institution_id: str, **overrides: Any) -> dict[str, Any]:
        answer = self.client.post(
            "/v1/contracts", json=contract_body(institution_id, **overrides), headers=self.feed
        )
        assert answer.status_code == 201, answer.text
        written: dict[str, Any] = answer.json()
        self.id = written["id"]
        return written

    def url(self, what: str = "") -> str:
        return f"/v1/contracts/{self.id}" + (f"/{what}" if what else "")

    def report(self, what: str, body: dict[str, Any], **headers: str) -> httpx.Response:
        """Report a fact (``payments``, ``consumptions``, ...); the raw answer."""
        return self.client.post(self.url(what), json=body, headers={**self.feed, **headers})

    def reported(self, what: str, body: dict[str, Any]) -> dict[str, Any]:
        """Report a fact and assert it was recorded; the answer's body."""
        answer = self.report(what, body)
        assert answer.status_code == 200, answer.text
        written: dict[str, Any] = answer.json()
        return written

    def read(self, headers: Headers, **params: str) -> dict[str, Any]:
        answer = self.client.get(self.url(), headers=headers, params=params)
        assert answer.status_code == 200, answer.text
        view: dict[str, Any] = answer.json()
        assert answer.headers["etag"] == f'"{view["version"]}"'
        return view

    def events(self) -> list[dict[str, Any]]:
        answer = self.client.get(self.url("ledger"), headers=self.feed, params={"limit": 500})
        assert answer.status_code == 200, answer.text
        items: list[dict[str, Any]] = answer.json()["items"]
        return items

    @contextmanager
    def appends_nothing(self) -> Iterator[None]:
        head, version = self.head(), self.read(self.feed)["version"]
        yield
        assert self.head() == head, "an event was appended"
        assert self.read(self.feed)["version"] == version
