"""``AsyncRegistryClient``: the same calls as ``RegistryClient``, awaited (httpx.AsyncClient)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from typing import Any, Generic, Protocol, TypeVar

import httpx

import registry.client.transport as transport
from registry.client.models import (
    Answer,
    ApiKey,
    Event,
    FeedBatchResult,
    Institution,
    InstitutionListItem,
    Written,
)
from registry.client.routes import FEED_BATCHES, batch_of, request_of
from registry.domain.commands import Command
from registry.domain.commands import cases as k
from registry.domain.commands import contracts as c
from registry.domain.commands import institutions as i

C = TypeVar("C", bound=Command)
C_contra = TypeVar("C_contra", bound=Command, contravariant=True)


class AsyncWriteCall(Protocol[C_contra]):
    async def __call__(
        self,
        command: C_contra,
        /,
        *,
        if_match: int | None = None,
        idempotency_key: str | None = None,
    ) -> Written: ...


class _Write(Generic[C]):
    def __init__(self, command: type[C]) -> None:
        self.command = command

    def __get__(self, client: Any, owner: type[Any]) -> AsyncWriteCall[C]:
        if client is None:
            return self  # type: ignore[return-value]
        kind = self.command

        async def call(
            command: C, /, *, if_match: int | None = None, idempotency_key: str | None = None
        ) -> Written:
            if not isinstance(command, kind):
                raise TypeError(f"expected {kind.__name__}, got {type(command).__name__}")
            written: Written = await client.execute(
                command, if_match=if_match, idempotency_key=idempotency_key
            )
            return written

        call.__doc__ = kind.__doc__
        return call


class AsyncRegistryClient:
    """``async with AsyncRegistryClient(url, key) as client: await client.issue_licence(...)``."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.2,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.policy = transport.Policy(retries=retries, backoff=backoff)
        self.http = http or httpx.AsyncClient(
            base_url=self.base_url, timeout=timeout, headers=transport.headers(api_key)
        )

    async def __aenter__(self) -> AsyncRegistryClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    @property
    def last_position(self) -> int | None:
        return self.policy.last_position

    async def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = await self.http.request(method, path, **kwargs)
            except httpx.TransportError as e:
                wait = self.policy.wait(attempt, None)
                if wait is None:
                    raise transport.unreachable(self.base_url, e) from None
            else:
                wait = self.policy.wait(attempt, response)
                if wait is None:
                    return response
            await asyncio.sleep(wait)
            attempt += 1

    async def get(self, path: str, **query: Any) -> Any:
        return transport.answer(await self.send("GET", path, params=transport.params(**query)))

    async def pages(self, path: str, **query: Any) -> AsyncIterator[dict[str, Any]]:
        cursor = None
        while True:
            page = await self.get(path, cursor=cursor, **query)
            for item in page["items"]:
                yield item
            cursor = page.get("next_cursor")
            if not cursor:
                return

    async def execute(
        self, command: Command, *, if_match: int | None = None, idempotency_key: str | None = None
    ) -> Written:
        method, path, body = request_of(command)
        response = await self.send(
            method, path, json=body, headers=transport.write_headers(idempotency_key, if_match)
        )
        return self.policy.written(response)

    async def report_facts(self, batch_id: str, facts: Sequence[Command]) -> FeedBatchResult:
        """Report up to 1,000 payments, lessons, releases and refunds as one batch
        (``POST /v1/feed-batches``); sending the same ``batch_id`` and facts again is answered
        from the first time and records nothing twice."""
        response = await self.send("POST", FEED_BATCHES, json=batch_of(batch_id, facts))
        return self.policy.batch(response)

    register_institution = _Write(i.RegisterInstitution)
    issue_licence = _Write(i.IssueLicence)
    renew_licence = _Write(i.RenewLicence)
    establish_fund_supervision = _Write(i.EstablishFundSupervision)
    file_staff_member = _Write(i.FileStaffMember)
    record_inspection = _Write(i.RecordInspection)
    order_rectification = _Write(i.OrderRectification)
    verify_rectification = _Write(i.VerifyRectification)
    suspend_enrolment = _Write(i.SuspendEnrolment)
    lift_suspension = _Write(i.LiftSuspension)
    impose_penalty = _Write(i.ImposePenalty)
    revoke_licence = _Write(i.RevokeLicence)
    start_conversion = _Write(i.StartConversion)
    complete_conversion = _Write(i.CompleteConversion)
    abandon_conversion = _Write(i.AbandonConversion)
    cease_operations = _Write(i.CeaseOperations)
    blacklist = _Write(i.Blacklist)
    remove_from_blacklist = _Write(i.RemoveFromBlacklist)
    deregister = _Write(i.Deregister)
    sign_contract = _Write(c.SignContract)
    record_payment = _Write(c.RecordPayment)
    record_consumption = _Write(c.RecordConsumption)
    release_escrow = _Write(c.ReleaseEscrow)
    record_refund = _Write(c.RecordRefund)
    terminate_contract = _Write(c.TerminateContract)
    complete_contract = _Write(c.CompleteContract)
    transfer_contract = _Write(c.TransferContract)
    open_refund_case = _Write(k.OpenRefundCase)
    attach_evidence = _Write(k.AttachEvidence)
    assess_refund_case = _Write(k.AssessRefundCase)
    record_mediation = _Write(k.RecordMediation)
    refer_to_court = _Write(k.ReferToCourt)
    record_judgment = _Write(k.RecordJudgment)
    pay_refund = _Write(k.PayRefund)
    close_refund_case = _Write(k.CloseRefundCase)
    withdraw_refund_case = _Write(k.WithdrawRefundCase)

    async def institution(
        self,
        institution_id: Any,
        *,
        as_of: date | None = None,
        known_at: datetime | None = None,
    ) -> Institution:
        return Institution.model_validate(
            await self.get(f"/v1/institutions/{institution_id}", as_of=as_of, known_at=known_at)
        )

    async def institution_events(self, institution_id: Any) -> AsyncIterator[Event]:
        async for item in self.pages(f"/v1/institutions/{institution_id}/events", limit=500):
            yield Event.model_validate(item)

    async def institutions(
        self, *, consistent_after: int | None = None, limit: int = 200, **filters: Any
    ) -> AsyncIterator[InstitutionListItem]:
        """The regulator's list; the filters are those of ``RegistryClient.institutions``."""
        async for item in self.pages(
            "/v1/institutions",
            limit=limit,
            consistent_after=self.policy.consistent_after(consistent_after),
            **filters,
        ):
            yield InstitutionListItem.model_validate(item)

    async def contract(self, contract_id: Any, *, method: str | None = None) -> Answer:
        return Answer.model_validate(await self.get(f"/v1/contracts/{contract_id}", method=method))

    async def refund_case(self, case_id: Any) -> Answer:
        return Answer.model_validate(await self.get(f"/v1/refund-cases/{case_id}"))

    async def health(self) -> Answer:
        return Answer.model_validate(await self.get("/health"))

    async def contract_events(self, contract_id: Any) -> AsyncIterator[Event]:
        async for item in self.pages(f"/v1/contracts/{contract_id}/ledger", limit=500):
            yield Event.model_validate(item)

    async def risk_alerts(
        self, *, consistent_after: int | None = None, **filters: Any
    ) -> AsyncIterator[Answer]:
        async for item in self.pages(
            "/v1/risk-alerts",
            consistent_after=self.policy.consistent_after(consistent_after),
            **filters,
        ):
            yield Answer.model_validate(item)

    async def export_case_file(self, case_id: Any) -> tuple[bytes, str, int]:
        response = await self.send("POST", f"/v1/refund-cases/{case_id}/case-files")
        if not response.is_success:
            transport.answer(response)
        return (
            response.content,
            response.headers["x-manifest-sha256"],
            int(response.headers["x-registry-position"]),
        )

    async def case_file(
        self, case_id: Any, *, position: int | None = None
    ) -> tuple[bytes, str, int]:
        path = f"/v1/refund-cases/{case_id}/case-file"
        response = await self.send("GET", path, params=transport.params(position=position))
        if not response.is_success:
            transport.answer(response)
        return (
            response.content,
            response.headers["x-manifest-sha256"],
            int(response.headers["x-registry-position"]),
        )

    async def create_key(
        self,
        role: str,
        districts: list[str] | None = None,
        name: str = "",
        expires_in_days: int | None = None,
    ) -> ApiKey:
        body: dict[str, Any] = {"role": role, "districts": districts or [], "name": name}
        if expires_in_days is not None:
            body["expires_in_days"] = expires_in_days
        response = await self.send("POST", "/v1/admin/keys", json=body)
        return ApiKey.model_validate(transport.answer(response))

    async def keys(self) -> list[ApiKey]:
        return [ApiKey.model_validate(k) for k in (await self.get("/v1/admin/keys"))["items"]]

    async def revoke_key(self, key_id: str) -> ApiKey:
        response = await self.send("DELETE", f"/v1/admin/keys/{key_id}")
        return ApiKey.model_validate(transport.answer(response))
