"""Every regulator command on an institution, as the API takes it, from a state it succeeds in.

``COMMANDS`` lists the bureau's decisions about an institution (licensing, supervision, staff,
inspection, rectification, suspension, penalty, revocation, conversion, cessation, blacklist,
deregistration): where each is sent, a valid body, the event it records, a required field and
a field of the wrong type. The API tests ask for ``command`` to run once per command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.builders.bodies import (
    ABANDONMENT,
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
    STAFF_MEMBER,
    SUSPENSION,
    TODAY,
    verification,
)
from tests.builders.bureau import Bureau

Headers = dict[str, str]


@dataclass(frozen=True)
class Target:
    """Where a command is sent, and the body fields only known once its givens exist."""

    ids: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def institution_id(self) -> str:
        return self.ids["id"]


@dataclass(frozen=True)
class RegulatorCommand:
    """A regulator command on an institution: how to reach a state it succeeds in, a valid body."""

    name: str
    method: str
    path: str
    body: dict[str, Any]
    given: Callable[[Bureau], Target]
    event: str
    required: str
    wrong_type: tuple[str, Any]
    status: int = 200
    creates: str | None = None

    def url(self, target: Target) -> str:
        return self.path.format(**target.ids)

    def body_for(self, target: Target) -> dict[str, Any]:
        return {**self.body, **target.body}

    def send(
        self,
        client: TestClient,
        target: Target,
        key: Headers | None = None,
        body: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send the command with ``key``; ``body`` replaces the valid body; ``kwargs`` to httpx."""
        if "content" not in kwargs:
            kwargs["json"] = self.body_for(target) if body is None else body
        all_headers = {**(key or {}), **kwargs.pop("headers", {})}
        return client.request(self.method, self.url(target), headers=all_headers, **kwargs)


def _registered(b: Bureau) -> Target:
    return Target({"id": b.register()})


def _licensed(b: Bureau) -> Target:
    return Target({"id": b.licensed()})


def _suspended(b: Bureau) -> Target:
    institution_id = b.licensed()
    b.suspend(institution_id)
    return Target({"id": institution_id})


def _revoked(b: Bureau) -> Target:
    institution_id = b.licensed()
    b.revoke(institution_id)
    return Target({"id": institution_id})


def _blacklisted(b: Bureau) -> Target:
    institution_id = b.licensed()
    b.blacklist(institution_id)
    return Target({"id": institution_id})


def _inspected(b: Bureau) -> Target:
    institution_id = b.licensed()
    return Target({"id": institution_id}, {"inspection_id": b.inspect(institution_id)})


def _under_rectification(b: Bureau) -> Target:
    institution_id = b.licensed()
    return Target({"id": institution_id, "order_id": b.order_rectification(institution_id)})


def _academic_company(b: Bureau) -> Target:
    return Target({"id": b.academic_company()})


def _converting(b: Bureau) -> Target:
    return Target({"id": b.converting()})


def _converting_with_successor(b: Bureau) -> Target:
    predecessor_id = b.converting()
    return Target({"id": predecessor_id}, {"successor_id": b.successor(predecessor_id)})


BASE = "/v1/institutions/{id}"

COMMANDS = [
    RegulatorCommand(
        name="issue_licence",
        method="POST",
        path=f"{BASE}/licence",
        body=LICENCE,
        given=_registered,
        event="LicenceIssued",
        required="licence_no",
        wrong_type=("valid_from", "下个月"),
    ),
    RegulatorCommand(
        name="renew_licence",
        method="POST",
        path=f"{BASE}/licence/renewal",
        body={"valid_to": "2030-08-31"},
        given=_licensed,
        event="LicenceRenewed",
        required="valid_to",
        wrong_type=("valid_to", ["2030-08-31"]),
    ),
    RegulatorCommand(
        name="establish_supervision",
        method="POST",
        path=f"{BASE}/supervision",
        body=BANK_CUSTODY,
        given=_licensed,
        event="FundSupervisionEstablished",
        required="bank",
        wrong_type=("account_no", 200004509200123456),
    ),
    RegulatorCommand(
        name="file_staff",
        method="POST",
        path=f"{BASE}/staff",
        body=STAFF_MEMBER,
        given=_registered,
        event="StaffMemberFiled",
        required="serving_school_teacher",
        wrong_type=("serving_school_teacher", "不是"),
    ),
    RegulatorCommand(
        name="record_inspection",
        method="POST",
        path=f"{BASE}/inspections",
        body=RECTIFY_INSPECTION,
        given=_licensed,
        event="InspectionRecorded",
        required="result",
        wrong_type=("inspectors", "王强"),
        status=201,
        creates="inspection",
    ),
    RegulatorCommand(
        name="order_rectification",
        method="POST",
        path=f"{BASE}/rectification-orders",
        body={
            "items": ["在经营场所显著位置公示收费项目和标准"],
            "issued_on": TODAY.isoformat(),
            "deadline": IN_A_MONTH.isoformat(),
        },
        given=_inspected,
        event="RectificationOrdered",
        required="deadline",
        wrong_type=("items", "公示收费项目"),
        status=201,
        creates="rectification order",
    ),
    RegulatorCommand(
        name="verify_rectification",
        method="POST",
        path=f"{BASE}/rectification-orders/{{order_id}}/verification",
        body=verification(),
        given=_under_rectification,
        event="RectificationVerified",
        required="outcome",
        wrong_type=("outcome", True),
    ),
    RegulatorCommand(
        name="suspend_enrolment",
        method="POST",
        path=f"{BASE}/suspension",
        body=SUSPENSION,
        given=_licensed,
        event="EnrolmentSuspended",
        required="decision_no",
        wrong_type=("effective_from", "明天"),
    ),
    RegulatorCommand(
        name="lift_suspension",
        method="POST",
        path=f"{BASE}/suspension/lift",
        body=LIFTING,
        given=_suspended,
        event="EnrolmentSuspensionLifted",
        required="lifted_on",
        wrong_type=("decision_no", 21),
    ),
    RegulatorCommand(
        name="impose_penalty",
        method="POST",
        path=f"{BASE}/penalties",
        body=PENALTY,
        given=_licensed,
        event="PenaltyImposed",
        required="kinds",
        wrong_type=("fine_fen", "五万元"),
    ),
    RegulatorCommand(
        name="revoke_licence",
        method="POST",
        path=f"{BASE}/revocation",
        body=REVOCATION,
        given=_licensed,
        event="LicenceRevoked",
        required="reason",
        wrong_type=("notice_served_on", {}),
    ),
    RegulatorCommand(
        name="start_conversion",
        method="POST",
        path=f"{BASE}/conversion",
        body=CONVERSION,
        given=_academic_company,
        event="ConversionStarted",
        required="planned_successor_name",
        wrong_type=("started_on", []),
    ),
    RegulatorCommand(
        name="complete_conversion",
        method="POST",
        path=f"{BASE}/conversion/completion",
        body={"completed_on": "2021-12-31"},
        given=_converting_with_successor,
        event="ConversionCompleted",
        required="successor_id",
        wrong_type=("successor_id", 12345),
    ),
    RegulatorCommand(
        name="abandon_conversion",
        method="POST",
        path=f"{BASE}/conversion/abandonment",
        body=ABANDONMENT,
        given=_converting,
        event="ConversionAbandoned",
        required="reason",
        wrong_type=("abandoned_on", []),
    ),
    RegulatorCommand(
        name="cease_operations",
        method="POST",
        path=f"{BASE}/cessation",
        body={"kind": "voluntary", "ceased_on": "2025-01-15", "reason": "经营困难，主动停止办学"},
        given=_licensed,
        event="OperationsCeased",
        required="kind",
        wrong_type=("kind", ["voluntary"]),
    ),
    RegulatorCommand(
        name="blacklist",
        method="POST",
        path=f"{BASE}/blacklisting",
        body=BLACKLISTING,
        given=_licensed,
        event="Blacklisted",
        required="reasons",
        wrong_type=("reasons", "卷款跑路"),
    ),
    RegulatorCommand(
        name="remove_from_blacklist",
        method="DELETE",
        path=f"{BASE}/blacklisting",
        body=BLACKLIST_REMOVAL,
        given=_blacklisted,
        event="RemovedFromBlacklist",
        required="decision_no",
        wrong_type=("decision_no", 1),
    ),
    RegulatorCommand(
        name="deregister",
        method="POST",
        path=f"{BASE}/deregistration",
        body=DEREGISTRATION,
        given=_revoked,
        event="Deregistered",
        required="reason",
        wrong_type=("deregistered_on", 1.5),
    ),
]
