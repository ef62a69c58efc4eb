"""The events of an institution's stream: what is stored, field by field.

They are declared here and attached to the layers of ``Institution`` (``Licensing``,
``Enforcement``, ``Institution``), whose ``@event`` methods apply them; the stored topic is the
layer's (e.g. ``registry.domain.licensing:Licensing.LicenceIssued``), so logs written before
keep loading. Read them from ``registry.domain.events``. Dates are ISO strings as stored.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from registry.domain.clock import SHANGHAI
from registry.domain.standing import decision_of
from registry.domain.vocabulary import Actor


def _keep_decision(event: object, aggregate: Any) -> None:
    """The institution keeps each dated decision with its two times (``standing``)."""
    decision = decision_of(event)
    if decision is not None:
        aggregate.decisions.append(decision)


def _recorded_day(state: dict[str, Any]) -> str:
    """The day (Asia/Shanghai) an event written before it carried its own date was recorded."""
    return str(state["timestamp"].astimezone(SHANGHAI).date().isoformat())


class InstitutionEvent(Aggregate.Event):
    """An event of an institution's stream; a dated decision is kept as one once applied."""

    def mutate(self, aggregate: Any) -> Any:
        mutated = super().mutate(aggregate)
        _keep_decision(self, mutated)
        return mutated


class InstitutionCreated(Aggregate.Created):
    """The event that starts an institution's stream; kept as its first dated decision."""

    def mutate(self, aggregate: Any) -> Any:
        mutated = super().mutate(None)
        _keep_decision(self, mutated)
        return mutated


class LicenceIssued(InstitutionEvent):
    """The approving bureau licensed the institution (办学许可证) for a period."""

    licence_no: str
    approving_authority: str
    valid_from: str
    valid_to: str
    actor: Actor


class LicenceRenewed(InstitutionEvent):
    """The approving bureau extended the licence to a later end, from ``renewed_on``."""

    class_version = 2

    valid_to: str
    renewed_on: str
    actor: Actor

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Renewals written before they were dated take effect on the day they were recorded."""
        state["renewed_on"] = _recorded_day(state)


class StaffMemberFiled(InstitutionEvent):
    """A member of the teaching staff was filed with the bureau (从业人员备案)."""

    name: str
    role: str
    qualification: str | None
    certificate_no: str | None
    serving_school_teacher: bool
    actor: Actor


class FundSupervisionEstablished(InstitutionEvent):
    """Prepaid fees came under bank custody or a risk reserve (预收费监管), from a day."""

    class_version = 2

    mode: str
    bank: str
    account_no: str
    agreement_no: str
    reserve_fen: int | None
    established_on: str
    actor: Actor

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Supervision written before it was dated is in place from the day it was recorded."""
        state["established_on"] = _recorded_day(state)


class FundSupervisionEnded(InstitutionEvent):
    """The custody agreement or risk reserve ended; prepaid fees are no longer supervised."""

    ended_on: str
    reason: str
    actor: Actor


class InspectionRecorded(InstitutionEvent):
    """Inspectors recorded a visit or audit and what they found (检查)."""

    inspection_id: str
    inspected_on: str
    kind: str
    inspectors: list[str]
    findings: list[dict[str, str]]
    result: str
    actor: Actor


class RectificationOrdered(InstitutionEvent):
    """The bureau ordered findings put right by a deadline (责令整改)."""

    order_id: str
    inspection_id: str
    items: list[str]
    issued_on: str
    deadline: str
    actor: Actor


class RectificationVerified(InstitutionEvent):
    """The bureau checked a rectification order: completed or failed."""

    order_id: str
    verified_on: str
    outcome: str
    actor: Actor


class EnrolmentSuspended(InstitutionEvent):
    """The bureau ordered the institution to stop enrolling (责令停止招收学员)."""

    decision_no: str
    reason: str
    effective_from: str
    actor: Actor


class EnrolmentSuspensionLifted(InstitutionEvent):
    """The bureau let the institution enrol again."""

    decision_no: str
    lifted_on: str
    actor: Actor


class PenaltyImposed(InstitutionEvent):
    """An administrative penalty was decided (行政处罚决定); published on the register."""

    decision_no: str
    kinds: list[str]
    fine_fen: int
    illegal_gains_fen: int
    decided_on: str
    actor: Actor


class InstitutionRegistered(InstitutionCreated):
    """A regulator entered the institution, a legal person with its credit code, in the register."""

    name: str
    credit_code: str
    district_code: str
    address: str
    category: str
    subjects: list[str]
    delivery: str
    legal_form: str
    legal_representative: str
    icp_number: str | None
    successor_of: str | None
    registered_on: str
    actor: Actor

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Registrations written before they were dated count from the day they were recorded."""
        state["registered_on"] = _recorded_day(state)


class LicenceRevoked(InstitutionEvent):
    """The approving bureau revoked the licence (吊销办学许可证) after serving notice."""

    decision_no: str
    reason: str
    notice_served_on: str
    effective_on: str
    actor: Actor


class ConversionStarted(InstitutionEvent):
    """A for-profit academic institution began converting to non-profit (营转非)."""

    started_on: str
    planned_successor_name: str
    actor: Actor


class ConversionCompleted(InstitutionEvent):
    """The conversion completed: the non-profit successor carries on."""

    successor_id: str
    successor_credit_code: str
    completed_on: str
    actor: Actor


class ConversionAbandoned(InstitutionEvent):
    """The conversion was abandoned (营转非终止): the institution returns to being licensed,
    its enrolment and fees no longer paused by the conversion."""

    abandoned_on: str
    reason: str
    actor: Actor


class OperationsCeased(InstitutionEvent):
    """The institution stopped operating, voluntarily or abnormally (跑路)."""

    kind: str
    ceased_on: str
    reason: str
    actor: Actor


class Blacklisted(InstitutionEvent):
    """The bureau put the institution on the public blacklist (黑名单)."""

    reasons: list[str]
    decision_no: str
    listed_on: str
    actor: Actor


class RemovedFromBlacklist(InstitutionEvent):
    """The bureau took the institution off the blacklist."""

    decision_no: str
    removed_on: str
    actor: Actor


class Deregistered(InstitutionEvent):
    """The institution left the register (注销)."""

    deregistered_on: str
    reason: str
    actor: Actor


class DecisionAnnulled(InstitutionEvent):
    """A decision made in error was set aside (行政复议 or a court) by a numbered decision.

    The annulled decision leaves the record of what was in force from the moment the
    annulment is recorded; it stays in the log, and in every answer known before then."""

    annulled_version: int
    annulled_kind: str
    decision_no: str
    annulled_on: str
    reason: str
    actor: Actor
