"""The events of an institution's stream: what is stored, field by field.

They are declared here and attached to the layers of ``Institution`` (``Licensing``,
``Enforcement``, ``Institution``), whose ``@event`` methods apply them; the stored topic is the
layer's (e.g. ``registry.domain.licensing:Licensing.LicenceIssued``), so logs written before
keep loading. Read them from ``registry.domain.events``. Dates are ISO strings as stored.
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate

from registry.domain.vocabulary import Actor


class LicenceIssued(Aggregate.Event):
    """The approving bureau licensed the institution (办学许可证) for a period."""

    licence_no: str
    approving_authority: str
    valid_from: str
    valid_to: str
    actor: Actor


class LicenceRenewed(Aggregate.Event):
    """The approving bureau extended the licence to a later end."""

    valid_to: str
    actor: Actor


class StaffMemberFiled(Aggregate.Event):
    """A member of the teaching staff was filed with the bureau (从业人员备案)."""

    name: str
    role: str
    qualification: str | None
    certificate_no: str | None
    serving_school_teacher: bool
    actor: Actor


class FundSupervisionEstablished(Aggregate.Event):
    """Prepaid fees came under bank custody or a risk reserve (预收费监管)."""

    mode: str
    bank: str
    account_no: str
    agreement_no: str
    reserve_fen: int | None
    actor: Actor


class InspectionRecorded(Aggregate.Event):
    """Inspectors recorded a visit or audit and what they found (检查)."""

    inspection_id: str
    inspected_on: str
    kind: str
    inspectors: list[str]
    findings: list[dict[str, str]]
    result: str
    actor: Actor


class RectificationOrdered(Aggregate.Event):
    """The bureau ordered findings put right by a deadline (责令整改)."""

    order_id: str
    inspection_id: str
    items: list[str]
    issued_on: str
    deadline: str
    actor: Actor


class RectificationVerified(Aggregate.Event):
    """The bureau checked a rectification order: completed or failed."""

    order_id: str
    verified_on: str
    outcome: str
    actor: Actor


class EnrolmentSuspended(Aggregate.Event):
    """The bureau ordered the institution to stop enrolling (责令停止招收学员)."""

    decision_no: str
    reason: str
    effective_from: str
    actor: Actor


class EnrolmentSuspensionLifted(Aggregate.Event):
    """The bureau let the institution enrol again."""

    decision_no: str
    lifted_on: str
    actor: Actor


class PenaltyImposed(Aggregate.Event):
    """An administrative penalty was decided (行政处罚决定); published on the register."""

    decision_no: str
    kinds: list[str]
    fine_fen: int
    illegal_gains_fen: int
    decided_on: str
    actor: Actor


class InstitutionRegistered(Aggregate.Created):
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
    actor: Actor


class LicenceRevoked(Aggregate.Event):
    """The approving bureau revoked the licence (吊销办学许可证) after serving notice."""

    decision_no: str
    reason: str
    notice_served_on: str
    effective_on: str
    actor: Actor


class ConversionStarted(Aggregate.Event):
    """A for-profit academic institution began converting to non-profit (营转非)."""

    started_on: str
    planned_successor_name: str
    actor: Actor


class ConversionCompleted(Aggregate.Event):
    """The conversion completed: the non-profit successor carries on."""

    successor_id: str
    successor_credit_code: str
    completed_on: str
    actor: Actor


class OperationsCeased(Aggregate.Event):
    """The institution stopped operating, voluntarily or abnormally (跑路)."""

    kind: str
    ceased_on: str
    reason: str
    actor: Actor


class Blacklisted(Aggregate.Event):
    """The bureau put the institution on the public blacklist (黑名单)."""

    reasons: list[str]
    decision_no: str
    listed_on: str
    actor: Actor


class RemovedFromBlacklist(Aggregate.Event):
    """The bureau took the institution off the blacklist."""

    decision_no: str
    removed_on: str
    actor: Actor


class Deregistered(Aggregate.Event):
    """The institution left the register (注销)."""

    deregistered_on: str
    reason: str
    actor: Actor
