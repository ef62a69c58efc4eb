"""The events of a prepaid training contract's stream: what is stored, field by field.

They are declared here and attached to ``TrainingContract``, whose ``@event`` methods apply
them; the stored topic is the aggregate's (``registry.domain.contract:TrainingContract.<name>``),
so logs written before keep loading. Read them from ``registry.domain.events``. Dates and times
are ISO strings as stored; money is integer fen.
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate

from registry.domain.vocabulary import Actor


class ContractSigned(Aggregate.Created):
    """A family signed a prepaid training contract (校外培训服务合同) with the institution."""

    institution_id: str
    district_code: str
    category: str
    pupil_ref: str
    guardian_name: str
    guardian_phone: str
    course: str
    paid_lessons: int
    gift_lessons: int
    price_per_lesson_fen: int
    start_date: str
    end_date: str
    supervision_mode: str | None
    actor: Actor


class ComplianceBreachDetected(Aggregate.Event):
    """A reported fact broke a rule: recorded, and flagged with the rule and its pack version."""

    rule: str
    rule_version: str
    detail: str
    event_version: int
    actor: Actor | None


class PrepaidFeeCollected(Aggregate.Event):
    """The institution collected prepaid fees (预收费), into the supervised account or not.

    The charge buys a block of ``lessons_covered`` paid and ``gift_lessons`` gift lessons,
    for the period from ``covers_from`` to ``covers_until`` when the feed reported them.
    Version 2 added ``gift_lessons``; a charge stored before has none named (``None``), and
    its gift lessons are derived from the contract's terms as for a charge that names none.
    Version 3 added ``covers_from`` (``None`` before: not reported).
    """

    class_version = 3

    payment_id: str
    amount_fen: int
    paid_at: str
    channel: str
    into_supervised_account: bool
    lessons_covered: int
    covers_until: str | None
    actor: Actor
    gift_lessons: int | None
    covers_from: str | None

    @staticmethod
    def upcast_v1_v2(state: dict[str, object]) -> None:
        state["gift_lessons"] = None

    @staticmethod
    def upcast_v2_v3(state: dict[str, object]) -> None:
        state["covers_from"] = None


class LessonsConsumed(Aggregate.Event):
    """Lessons were taught (消课) in one session."""

    lessons: int
    starts_at: str
    ends_at: str
    delivery: str
    actor: Actor


class EscrowReleased(Aggregate.Event):
    """Supervised funds were released to the institution for lessons taught."""

    amount_fen: int
    actor: Actor


class PrepaidRefunded(Aggregate.Event):
    """Fees were refunded to the family, on the contract or by a refund case."""

    amount_fen: int
    paid_at: str
    refund_case_id: str | None
    actor: Actor


class ContractFrozen(Aggregate.Event):
    """The contract was frozen (the institution ceased abnormally): no more releases."""

    reason: str
    frozen_on: str
    cause: str
    actor: Actor


class ContractTerminated(Aggregate.Event):
    """The contract ended early; what is unconsumed stays owed."""

    by: str
    reason: str
    terminated_on: str
    actor: Actor


class ContractCompleted(Aggregate.Event):
    """The contract ended with nothing paid left unconsumed."""

    completed_on: str
    actor: Actor


class PrepaidLiabilitiesTransferred(Aggregate.Event):
    """The contract passed to a conversion successor (营转非) with its liability."""

    from_institution_id: str
    to_institution_id: str
    to_district_code: str
    unconsumed_fen: int
    transferred_on: str
    actor: Actor


class ContractDisputed(Aggregate.Event):
    """A refund case opened over the contract: releases wait for it."""

    case_id: str
    actor: Actor


class DisputeClosed(Aggregate.Event):
    """The refund case over the contract was closed or withdrawn."""

    case_id: str
    outcome: str
    actor: Actor
