"""Dependencies: the services built at start-up, the current principal, the write context."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import anyio
from fastapi import Depends, Header, Query, Request
from fastapi.responses import JSONResponse

from api.auth import authenticate
from api.schemas.common import Body
from registry.adapters.idempotency import Claim, request_fingerprint
from registry.application.registry import Registry
from registry.application.results import WriteResult
from registry.bootstrap import Services
from registry.domain.commands import Command
from registry.domain.errors import InvalidInput, NotYetConsistent
from registry.domain.principal import Principal

_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')
# The largest log position or version a request may name (SQLite's and PostgreSQL's bigint,
# with room for the arithmetic on it).
MAX_POSITION = 2**62


# Dependencies that do no I/O are ``async``: FastAPI runs a plain ``def`` dependency in a
# worker thread, a hop that costs more than the dependency itself.


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def get_registry(request: Request) -> Registry:
    registry: Registry = request.app.state.services.registry
    return registry


ServicesDep = Annotated[Services, Depends(get_services)]
RegistryDep = Annotated[Registry, Depends(get_registry)]
PrincipalDep = Annotated[Principal, Depends(authenticate)]


def parse_if_match(value: str | None) -> int | None:
    """``If-Match: "3"`` → 3; absent or ``*`` → no check."""
    if value is None or value.strip() == "*":
        return None
    match = _IF_MATCH.match(value)
    if not match:
        raise InvalidInput('If-Match must be a version in quotes, e.g. "3"', "If-Match")
    version = int(match.group(1))
    if version > MAX_POSITION:
        raise InvalidInput(f"If-Match names a version above {MAX_POSITION}", "If-Match")
    return version


@dataclass
class Writer:
    """Runs a command once per Idempotency-Key and answers it as JSON with an ETag."""

    request: Request
    services: Services
    principal: Principal
    idempotency_key: str | None
    expected_version: int | None

    def execute(
        self,
        body: Body,
        command: Command,
        status_code: int = 200,
        shape: Callable[[WriteResult], dict[str, Any]] | None = None,
    ) -> JSONResponse:
        """Run ``command`` (which ``body`` asked for) with the caller's If-Match, once per
        Idempotency-Key: the key's answer commits with the command's events."""
        registry = self.services.registry
        metrics = getattr(self.request.app.state, "metrics", None)
        render = shape or WriteResult.as_dict

        def run(claim: Claim | None) -> tuple[int, dict[str, Any]]:
            acknowledge = None
            if claim is not None:
                acknowledge = lambda result: claim.answer(status_code, render(result))  # noqa: E731
            try:
                result = registry.execute(
                    self.principal,
                    command,
                    expected_version=self.expected_version,
                    acknowledge=acknowledge,
                )
            except Exception as e:
                if metrics is not None:
                    metrics.command(type(command).__name__, e)
                raise
            if metrics is not None:
                metrics.command(type(command).__name__, None)
            return status_code, render(result)

        if self.idempotency_key is None:
            code, payload = run(None)
            return self._answer(code, payload, replayed=False)
        fingerprint = request_fingerprint(
            self.request.method, self.request.url.path, body.model_dump(mode="json")
        )
        answer = self.services.idempotency.run(
            self.principal.id, self.idempotency_key, fingerprint, run
        )
        return self._answer(answer.status_code, answer.body, replayed=answer.replayed)

    @staticmethod
    def _answer(code: int, payload: dict[str, Any], replayed: bool) -> JSONResponse:
        headers = {"ETag": f'"{payload["version"]}"'}
        if replayed:
            headers["Idempotency-Replayed"] = "true"
        return JSONResponse(payload, status_code=code, headers=headers)


async def get_writer(
    request: Request,
    principal: PrincipalDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> Writer:
    return Writer(
        request=request,
        services=request.app.state.services,
        principal=principal,
        idempotency_key=idempotency_key,
        expected_version=parse_if_match(if_match),
    )


WriterDep = Annotated[Writer, Depends(get_writer)]


async def read_your_writes(
    request: Request,
    consistent_after: Annotated[
        int | None,
        Query(ge=0, le=MAX_POSITION, description="answer only once this log position is applied"),
    ] = None,
) -> None:
    """Wait (bounded) until the read models have applied ``consistent_after``: only for a
    position already written (422 otherwise), and only so many requests at once (503)."""
    if consistent_after is None:
        return
    waiters: Waiters = request.app.state.consistency_waiters
    with waiters.place():
        await anyio.to_thread.run_sync(_wait_until_applied, request, consistent_after)


class Waiters:
    """Counts the requests waiting on ``consistent_after``; refuses those over the limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.waiting = 0

    @contextmanager
    def place(self) -> Iterator[None]:
        if self.waiting >= self.limit:
            raise NotYetConsistent(
                "too many requests are waiting for the read models; retry shortly"
            )
        self.waiting += 1
        try:
            yield
        finally:
            self.waiting -= 1


def _wait_until_applied(request: Request, position: int) -> None:
    services: Services = request.app.state.services
    if services.projector.wait_for(position, 0.0):
        return
    head = services.registry.store.head()
    if position > head:
        raise InvalidInput(
            f"consistent_after {position} is beyond the log's last position {head}",
            "consistent_after",
        )
    timeout = services.settings.consistency_timeout
    runner = getattr(request.app.state, "projector_runner", None)
    if runner is None or not runner.alive:
        # Nobody in this process applies events: a separate projector may, else catch up here.
        if services.projector.wait_for(position, 0.0):
            return
        services.projector.run_once()
    if not services.projector.wait_for(position, timeout):
        raise NotYetConsistent(
            f"the read models have not yet reached position {position}; retry shortly"
        )


ConsistentDep = Depends(read_your_writes)
