"""Where each command goes over HTTP, and how its values are written as JSON."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from registry.domain.commands import Command
from registry.domain.commands import cases as k
from registry.domain.commands import contracts as c
from registry.domain.commands import institutions as i

I = "/v1/institutions/{institution_id}"  # noqa: E741
C = "/v1/contracts/{contract_id}"
K = "/v1/refund-cases/{case_id}"

ROUTES: dict[type[Command], tuple[str, str]] = {
    i.RegisterInstitution: ("POST", "/v1/institutions"),
    i.IssueLicence: ("POST", f"{I}/licence"),
    i.RenewLicence: ("POST", f"{I}/licence/renewal"),
    i.EstablishFundSupervision: ("POST", f"{I}/supervision"),
    i.FileStaffMember: ("POST", f"{I}/staff"),
    i.RecordInspection: ("POST", f"{I}/inspections"),
    i.OrderRectification: ("POST", f"{I}/rectification-orders"),
    i.VerifyRectification: ("POST", f"{I}/rectification-orders/{{order_id}}/verification"),
    i.SuspendEnrolment: ("POST", f"{I}/suspension"),
    i.LiftSuspension: ("POST", f"{I}/suspension/lift"),
    i.ImposePenalty: ("POST", f"{I}/penalties"),
    i.RevokeLicence: ("POST", f"{I}/revocation"),
    i.StartConversion: ("POST", f"{I}/conversion"),
    i.CompleteConversion: ("POST", f"{I}/conversion/completion"),
    i.AbandonConversion: ("POST", f"{I}/conversion/abandonment"),
    i.CeaseOperations: ("POST", f"{I}/cessation"),
    i.Blacklist: ("POST", f"{I}/blacklisting"),
    i.RemoveFromBlacklist: ("DELETE", f"{I}/blacklisting"),
    i.Deregister: ("POST", f"{I}/deregistration"),
    c.SignContract: ("POST", "/v1/contracts"),
    c.RecordPayment: ("POST", f"{C}/payments"),
    c.RecordConsumption: ("POST", f"{C}/consumptions"),
    c.ReleaseEscrow: ("POST", f"{C}/releases"),
    c.RecordRefund: ("POST", f"{C}/refunds"),
    c.TerminateContract: ("POST", f"{C}/termination"),
    c.CompleteContract: ("POST", f"{C}/completion"),
    c.TransferContract: ("POST", f"{C}/transfer"),
    k.OpenRefundCase: ("POST", "/v1/refund-cases"),
    k.AttachEvidence: ("POST", f"{K}/evidence"),
    k.AssessRefundCase: ("POST", f"{K}/assessment"),
    k.RecordMediation: ("POST", f"{K}/mediation"),
    k.ReferToCourt: ("POST", f"{K}/court-referral"),
    k.RecordJudgment: ("POST", f"{K}/judgment"),
    k.PayRefund: ("POST", f"{K}/payments"),
    k.CloseRefundCase: ("POST", f"{K}/closure"),
    k.WithdrawRefundCase: ("POST", f"{K}/withdrawal"),
}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def jsonable(value: Any) -> Any:
    """Dates, times and ids as the API writes them; lists and mappings element by element."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(key): jsonable(v) for key, v in value.items()}
    return value


def request_of(command: Command) -> tuple[str, str, dict[str, Any]]:
    """The method, path and JSON body that ask the API for ``command``."""
    try:
        method, template = ROUTES[type(command)]
    except KeyError:
        raise TypeError(f"{type(command).__name__} is not a command of the HTTP API") from None
    in_path = set(_PLACEHOLDER.findall(template))
    values = {f.name: getattr(command, f.name) for f in dataclasses.fields(command)}
    path = template.format(**{name: str(values[name]) for name in in_path})
    body = {
        name: jsonable(value)
        for name, value in values.items()
        if name not in in_path and value is not None
    }
    return method, path, body


# The facts ``POST /v1/feed-batches`` takes, by the name the batch gives their kind.
FACT_KINDS: dict[type[Command], str] = {
    c.RecordPayment: "payment",
    c.RecordConsumption: "consumption",
    c.ReleaseEscrow: "release",
    c.RecordRefund: "refund",
}
FEED_BATCHES = "/v1/feed-batches"


def batch_of(batch_id: str, facts: Sequence[Command]) -> dict[str, Any]:
    """The JSON body that reports ``facts`` as one batch."""
    written = []
    for fact in facts:
        kind = FACT_KINDS.get(type(fact))
        if kind is None:
            raise TypeError(f"{type(fact).__name__} cannot be reported in a batch")
        values = {f.name: getattr(fact, f.name) for f in dataclasses.fields(fact)}
        body = {name: jsonable(value) for name, value in values.items() if value is not None}
        written.append({"kind": kind, **body})
    return {"batch_id": batch_id, "facts": written}
