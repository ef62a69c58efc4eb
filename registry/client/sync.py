"""``RegistryClient``: the registry's HTTP API as typed Python calls (httpx, synchronous)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
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


class WriteCall(Protocol[C_contra]):
    def __call__(
        self,
        command: C_contra,
        /,
        *,
        if_match: int | None = None,
        idempotency_key: str | None = None,
    ) -> Written: ...


class _Write(Generic[C]):
    """A method that sends one kind of command (the class attributes below)."""

    def __init__(self, command: type[C]) -> None:
        self.command = command

    def __get__(self, client: Any, owner: type[Any]) -> WriteCall[C]:
        if client is None:
            return self  # type: ignore[return-value]
        kind = self.command

        def call(
            command: C, /, *, if_match: int | None = None, idempotency_key: str | None = None
        ) -> Written:
            if not isinstance(command, kind):
                raise TypeError(f"expected {kind.__name__}, got {type(command).__name__}")
            written: Written = client.execute(
                command, if_match=if_match, idempotency_key=idempotency_key
            )
            return written

        call.__doc__ = kind.__doc__
        return call


class RegistryClient:
    """``RegistryClient("http://127.0.0.1:8000", api_key)``: one method per operation.

    Writes take the command types of ``registry.domain.commands`` and answer ``Written``;
    refusals raise ``registry.client.errors``; lists are iterators over every page.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.2,
        http: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.policy = transport.Policy(retries=retries, backoff=backoff)
        self.http = http or httpx.Client(
            base_url=self.base_url, timeout=timeout, headers=transport.headers(api_key)
        )

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    @property
    def last_position(self) -> int | None:
        """The log position of this client's last write (reads wait for it)."""
        return self.policy.last_position

    # -- the wire ----------------------------------------------------------------------------

    def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request, retried on connection errors, 503 and 429."""
        attempt = 0
        while True:
            response: httpx.Response | None = None
            try:
                response = self.http.request(method, path, **kwargs)
            except httpx.TransportError as e:
                wait = self.policy.wait(attempt, None)
                if wait is None:
                    raise transport.unreachable(self.base_url, e) from None
            else:
                wait = self.policy.wait(attempt, response)
                if wait is None:
                    return response
            time.sleep(wait)
            attempt += 1

    def get(self, path: str, **query: Any) -> Any:
        return transport.answer(self.send("GET", path, params=transport.params(**query)))

    def pages(self, path: str, **query: Any) -> Iterator[dict[str, Any]]:
        """Every item of a cursor-paged list, page after page."""
        cursor = None
        while True:
            page = self.get(path, cursor=cursor, **query)
            yield from page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def execute(
        self, command: Command, *, if_match: int | None = None, idempotency_key: str | None = None
    ) -> Written:
        """Send any command; the same Idempotency-Key on every retry of this call."""
        method, path, body = request_of(command)
        response = self.send(
            method, path, json=body, headers=transport.write_headers(idempotency_key, if_match)
        )
        return self.policy.written(response)

    # -- institutions ------------------------------------------------------------------------

    def report_facts(self, batch_id: str, facts: Sequence[Command]) -> FeedBatchResult:
        """Report up to 1,000 payments, lessons, releases and refunds as one batch
        (``POST /v1/feed-batches``); sending the same ``batch_id`` and facts again is answered
        from the first time and records nothing twice."""
        response = self.send("POST", FEED_BATCHES, json=batch_of(batch_id, facts))
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

    def institution(
        self,
        institution_id: Any,
        *,
        as_of: date | None = None,
        known_at: datetime | None = None,
    ) -> Institution:
        """The regulator's view of one institution: in force at the end of ``as_of`` (default
        today) by effective dates, as recorded by ``known_at`` (default now)."""
        return Institution.model_validate(
            self.get(f"/v1/institutions/{institution_id}", as_of=as_of, known_at=known_at)
        )

    def institution_events(self, institution_id: Any) -> Iterator[Event]:
        for item in self.pages(f"/v1/institutions/{institution_id}/events", limit=500):
            yield Event.model_validate(item)

    def institutions(
        self,
        *,
        status: str | None = None,
        category: str | None = None,
        district_code: str | None = None,
        licence_expiring_before: date | None = None,
        open_rectification: bool | None = None,
        blacklisted: bool | None = None,
        supervision_mode: str | None = None,
        limit: int = 200,
        consistent_after: int | None = None,
    ) -> Iterator[InstitutionListItem]:
        """The regulator's list (the key's districts), page after page; reads this client's
        writes unless ``consistent_after`` says otherwise."""
        for item in self.pages(
            "/v1/institutions",
            status=status,
            category=category,
            district_code=district_code,
            licence_expiring_before=licence_expiring_before,
            open_rectification=open_rectification,
            blacklisted=blacklisted,
            supervision_mode=supervision_mode,
            limit=limit,
            consistent_after=self.policy.consistent_after(consistent_after),
        ):
            yield InstitutionListItem.model_validate(item)

    # -- contracts and refund cases ----------------------------------------------------------

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

    def contract(self, contract_id: Any, *, method: str | None = None) -> Answer:
        """A contract's ledger figures (unconsumed by ``pooled`` or ``paid_first``)."""
        return Answer.model_validate(self.get(f"/v1/contracts/{contract_id}", method=method))

    def contract_events(self, contract_id: Any) -> Iterator[Event]:
        for item in self.pages(f"/v1/contracts/{contract_id}/ledger", limit=500):
            yield Event.model_validate(item)

    def export_case_file(self, case_id: Any) -> tuple[bytes, str, int]:
        """Export the court case file now (recorded on the case): the ZIP, its manifest's
        SHA-256 and its position."""
        response = self.send("POST", f"/v1/refund-cases/{case_id}/case-files")
        if not response.is_success:
            transport.answer(response)
        return (
            response.content,
            response.headers["x-manifest-sha256"],
            int(response.headers["x-registry-position"]),
        )

    def case_file(self, case_id: Any, *, position: int | None = None) -> tuple[bytes, str, int]:
        """The court case file (ZIP), its manifest's SHA-256 and the position it reflects;
        reading it records nothing."""
        response = self.send(
            "GET",
            f"/v1/refund-cases/{case_id}/case-file",
            params=transport.params(position=position),
        )
        if not response.is_success:
            transport.answer(response)
        return (
            response.content,
            response.headers["x-manifest-sha256"],
            int(response.headers["x-registry-position"]),
        )

    def refund_case(self, case_id: Any) -> Answer:
        return Answer.model_validate(self.get(f"/v1/refund-cases/{case_id}"))

    def risk_alerts(
        self, *, consistent_after: int | None = None, **filters: Any
    ) -> Iterator[Answer]:
        for item in self.pages(
            "/v1/risk-alerts",
            consistent_after=self.policy.consistent_after(consistent_after),
            **filters,
        ):
            yield Answer.model_validate(item)

    def health(self) -> Answer:
        return Answer.model_validate(self.get("/health"))

    # -- keys (admin) ------------------------------------------------------------------------

    def create_key(
        self,
        role: str,
        districts: list[str] | None = None,
        name: str = "",
        expires_in_days: int | None = None,
    ) -> ApiKey:
        """Issue a key; its ``secret`` is in this answer only."""
        body: dict[str, Any] = {"role": role, "districts": districts or [], "name": name}
        if expires_in_days is not None:
            body["expires_in_days"] = expires_in_days
        return ApiKey.model_validate(
            transport.answer(self.send("POST", "/v1/admin/keys", json=body))
        )

    def keys(self) -> list[ApiKey]:
        """Every key ever issued (never a secret)."""
        return [ApiKey.model_validate(k) for k in self.get("/v1/admin/keys")["items"]]

    def revoke_key(self, key_id: str) -> ApiKey:
        return ApiKey.model_validate(
            transport.answer(self.send("DELETE", f"/v1/admin/keys/{key_id}"))
        )
