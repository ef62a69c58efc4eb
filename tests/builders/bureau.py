"""A district's education bureau at its desk: it drives the API with its key, and watches the log.

Institutions are brought into the state a test needs only through the API, as 北京市海淀区
教育委员会 would: ``register``, ``licensed``, ``legitimate`` (licensed and under bank custody),
``suspend``, ``revoke``, ``converting`` and so on, each asserting that the API agreed. ``send``
answers the API's raw answer, for a test that expects a refusal; ``appends_nothing`` asserts
that a block recorded nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from uuid import UUID

import httpx
from fastapi.testclient import TestClient

from registry.adapters.eventlog import LoggedEvent
from registry.bootstrap import Services
from tests.builders.bodies import (
    ABNORMAL_CESSATION,
    BANK_CUSTODY,
    BLACKLIST_REMOVAL,
    BLACKLISTING,
    CONVERSION,
    DEREGISTRATION,
    IN_A_MONTH,
    LICENCE,
    LIFTING,
    PENALTY,
    RECTIFY_INSPECTION,
    REVOCATION,
    SUSPENSION,
    TODAY,
    rectification_order,
    registration,
    verification,
)
from tests.builders.codes import ACADEMIC_COMPANY_CODE, SUCCESSOR_CODE, credit_code

Headers = dict[str, str]


@dataclass
class Bureau:
    """北京市海淀区教育委员会 (by default) with its key, at the API and in front of the log."""

    client: TestClient
    services: Services
    headers: Headers
    serial: int = field(default=0)

    def of_another_district(self, headers: Headers) -> Bureau:
        """The bureau holding ``headers``, at the same API."""
        return replace(self, headers=headers, serial=self.serial + 1000)

    # -- reading the log ---------------------------------------------------------------------

    def head(self) -> int:
        """The position of the last event anywhere in the notification log (0 when empty)."""
        return self.services.registry.store.head()

    def events(self, institution_id: str) -> list[LoggedEvent]:
        return self.services.registry.event_log.events(UUID(institution_id))

    def appended_since(self, head: int) -> list[str]:
        """Events recorded after ``head`` on anyone's behalf but the registry's own.

        The registry itself (its clock, its reactions) may record in the background while a
        test runs; what a refused request must not do is record anything for its caller.
        """
        store = self.services.registry.store
        appended = []
        for notification in store.read(start=head + 1, limit=100):
            event = store.decode(notification)
            actor = getattr(event, "actor", None) or {}
            if actor.get("role") != "system":
                appended.append(f"{type(event).__name__} at {notification.id}")
        return appended

    @contextmanager
    def appends_nothing(self, institution_id: str | None = None) -> Iterator[None]:
        """Assert the block appends no event: the log, and the institution, stay as they were."""
        head = self.head()
        if institution_id is not None:
            count = len(self.events(institution_id))
            version = self.version(institution_id)
        yield
        assert self.appended_since(head) == [], "an event was appended"
        if institution_id is not None:
            assert len(self.events(institution_id)) == count
            assert self.version(institution_id) == version

    def caught_up(self) -> int:
        """Let the projector apply every event; the public register's position afterwards."""
        self.services.projector.run_once()
        return self.services.projector.positions()["public_register"]

    # -- reading through the API -------------------------------------------------------------

    def view(self, institution_id: str) -> dict[str, Any]:
        """The regulator view of the institution."""
        answer = self.client.get(f"/v1/institutions/{institution_id}", headers=self.headers)
        assert answer.status_code == 200, answer.text
        view: dict[str, Any] = answer.json()
        return view

    def version(self, institution_id: str) -> int:
        """The institution's version, as its regulator reads it through the API."""
        version: int = self.view(institution_id)["version"]
        return version

    # -- acting through the API --------------------------------------------------------------

    def post(self, path: str, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
        answer = self.client.post(path, json=body, headers=self.headers)
        assert answer.status_code == status, answer.text
        payload: dict[str, Any] = answer.json()
        return payload

    def send(
        self, institution_id: str, what: str, body: dict[str, Any], method: str = "POST"
    ) -> httpx.Response:
        """Send a decision about the institution (``what`` is the path below it); the answer."""
        path = f"/v1/institutions/{institution_id}/{what}"
        return self.client.request(method, path, json=body, headers=self.headers)

    def decide(
        self, institution_id: str, what: str, body: dict[str, Any], status: int = 200
    ) -> dict[str, Any]:
        """Send a decision about the institution and assert it was recorded; the answer's body."""
        return self.post(f"/v1/institutions/{institution_id}/{what}", body, status)

    def new_credit_code(self, prefix: str = "91", district: str = "110108") -> str:
        """A credit code nobody has registered in this test yet."""
        self.serial += 1
        middle = "MA01" if prefix == "91" else "MJ00"
        return credit_code(f"{prefix}{district}{middle}{self.serial:05d}")

    def register(self, **overrides: Any) -> str:
        """Register an institution (by default 北京思远教育科技有限公司); its id."""
        return str(self.post("/v1/institutions", registration(**overrides), 201)["id"])

    def license(self, institution_id: str, **overrides: Any) -> dict[str, Any]:
        return self.decide(institution_id, "licence", {**LICENCE, **overrides})

    def supervise(self, institution_id: str, **overrides: Any) -> dict[str, Any]:
        return self.decide(institution_id, "supervision", {**BANK_CUSTODY, **overrides})

    def licensed(self, **overrides: Any) -> str:
        institution_id = self.register(**overrides)
        self.license(institution_id)
        return institution_id

    def legitimate(self, **overrides: Any) -> str:
        """Registered, licensed and under bank custody: the state a parent hopes to find."""
        institution_id = self.licensed(**overrides)
        self.supervise(institution_id)
        return institution_id

    def inspect(self, institution_id: str, **overrides: Any) -> str:
        """Record an inspection that orders rectification; its id."""
        body = {**RECTIFY_INSPECTION, **overrides}
        return str(self.decide(institution_id, "inspections", body, 201)["id"])

    def order_rectification(
        self, institution_id: str, issued_on: date = TODAY, deadline: date = IN_A_MONTH
    ) -> str:
        """Inspect, then order rectification by ``deadline``; the order's id."""
        body = rectification_order(
            self.inspect(institution_id), issued_on.isoformat(), deadline.isoformat()
        )
        return str(self.decide(institution_id, "rectification-orders", body, 201)["id"])

    def verify(self, institution_id: str, order_id: str, outcome: str = "completed") -> None:
        what = f"rectification-orders/{order_id}/verification"
        self.decide(institution_id, what, verification(outcome))

    def suspend(self, institution_id: str) -> None:
        self.decide(institution_id, "suspension", SUSPENSION)

    def lift_suspension(self, institution_id: str) -> None:
        self.decide(institution_id, "suspension/lift", LIFTING)

    def penalise(self, institution_id: str, **overrides: Any) -> dict[str, Any]:
        return self.decide(institution_id, "penalties", {**PENALTY, **overrides})

    def revoke(self, institution_id: str) -> None:
        self.decide(institution_id, "revocation", REVOCATION)

    def cease(self, institution_id: str, **overrides: Any) -> None:
        """The institution stopped operating: by default abnormally (跑路)."""
        self.decide(institution_id, "cessation", {**ABNORMAL_CESSATION, **overrides})

    def blacklist(self, institution_id: str) -> None:
        self.decide(institution_id, "blacklisting", BLACKLISTING)

    def remove_from_blacklist(self, institution_id: str) -> httpx.Response:
        return self.send(institution_id, "blacklisting", BLACKLIST_REMOVAL, method="DELETE")

    def deregister(self, institution_id: str) -> None:
        self.decide(institution_id, "deregistration", DEREGISTRATION)

    # -- conversion to non-profit (营转非) -----------------------------------------------------

    def academic_company(self) -> str:
        """北京学霸教育科技有限公司: an academic (学科类) company licensed in 2019, before 双减."""
        institution_id = self.register(
            name="北京学霸教育科技有限公司",
            credit_code=ACADEMIC_COMPANY_CODE,
            category="academic",
            subjects=["数学", "英语"],
            legal_representative="赵建国",
        )
        self.license(institution_id, valid_from="2019-09-01", valid_to="2024-08-31")
        return institution_id

    def converting(self) -> str:
        institution_id = self.academic_company()
        self.decide(institution_id, "conversion", CONVERSION)
        return institution_id

    def successor(
        self, predecessor_id: str, *, licensed: bool = True, supervised: bool = True
    ) -> str:
        """北京市海淀区启明学科培训学校: the non-profit (52) successor of a conversion."""
        successor_id = self.register(
            name="北京市海淀区启明学科培训学校",
            credit_code=SUCCESSOR_CODE,
            category="academic",
            subjects=["数学", "英语"],
            legal_form="non_profit",
            legal_representative="赵建国",
            successor_of=predecessor_id,
        )
        if licensed:
            self.license(
                successor_id,
                licence_no="教民111010880000579号",
                valid_from="2021-12-01",
                valid_to="2026-11-30",
            )
        if supervised:
            self.supervise(successor_id, account_no="0200004509200765432")
        return successor_id

    def complete_conversion(self, predecessor_id: str, successor_id: str) -> httpx.Response:
        body = {"successor_id": successor_id, "completed_on": "2021-12-31"}
        return self.send(predecessor_id, "conversion/completion", body)
