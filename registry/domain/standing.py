"""What was in force on a day, as the registry knew it at a time: one fold over dated decisions.

Every decision about an institution has two times: the day it takes effect, as the decision
dates it (``registered_on``, ``valid_from``, ``effective_from``, …), and the instant the
registry recorded it. ``standing(decisions, on=D, known_at=T)`` keeps the decisions recorded by
``T``, leaves out those annulled by an annulment recorded by ``T``, and applies the rest in the
order of their effective dates (then of recording) up to the end of day ``D``. The regulator
view, the public register, legitimacy, the payments' checks and the court case file all ask it,
so they agree on what was in force.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from registry.domain.clock import SHANGHAI

# The field of each decision that dates its effect. Events not named here (staff filings,
# inspections, rectification) are dated facts of their own, not changes of standing.
EFFECTIVE_FIELD: Mapping[str, str] = {
    "InstitutionRegistered": "registered_on",
    "LicenceIssued": "valid_from",
    "LicenceRenewed": "renewed_on",
    "FundSupervisionEstablished": "established_on",
    "FundSupervisionEnded": "ended_on",
    "EnrolmentSuspended": "effective_from",
    "EnrolmentSuspensionLifted": "lifted_on",
    "PenaltyImposed": "decided_on",
    "LicenceRevoked": "effective_on",
    "ConversionStarted": "started_on",
    "ConversionCompleted": "completed_on",
    "ConversionAbandoned": "abandoned_on",
    "OperationsCeased": "ceased_on",
    "Blacklisted": "listed_on",
    "RemovedFromBlacklist": "removed_on",
    "Deregistered": "deregistered_on",
    "DecisionAnnulled": "annulled_on",
}

# The status each decision puts the institution in.
STATUS_OF: Mapping[str, str] = {
    "InstitutionRegistered": "registered",
    "LicenceIssued": "licensed",
    "EnrolmentSuspended": "suspended",
    "EnrolmentSuspensionLifted": "licensed",
    "LicenceRevoked": "revoked",
    "ConversionStarted": "converting",
    "ConversionCompleted": "converted",
    "ConversionAbandoned": "licensed",
    "OperationsCeased": "ceased",
    "Deregistered": "deregistered",
}

REGISTERED = "InstitutionRegistered"
ANNULLED = "DecisionAnnulled"
_NOT_DATA = ("originator_id", "originator_version", "originator_topic", "timestamp", "actor")


@dataclass(frozen=True)
class Decision:
    """One decision with its two times: effective (a day) and recorded (an instant)."""

    kind: str
    version: int
    effective_on: date
    recorded_at: datetime
    data: Mapping[str, Any]
    position: int | None = None

    @property
    def annulled_version(self) -> int | None:
        return int(self.data["annulled_version"]) if self.kind == ANNULLED else None


def decision_of(event: object, position: int | None = None) -> Decision | None:
    """The dated decision an institution's event records, or None for other events."""
    kind = type(event).__name__
    name = EFFECTIVE_FIELD.get(kind)
    if name is None:
        return None
    state = vars(event)
    data = {k: v for k, v in state.items() if k not in _NOT_DATA}
    return Decision(
        kind=kind,
        version=int(state["originator_version"]),
        effective_on=date.fromisoformat(str(data[name])),
        recorded_at=state["timestamp"],
        data=data,
        position=position,
    )


@dataclass
class Standing:
    """An institution's status, licence, supervision and sanctions in force on day ``on``."""

    on: date
    registered_on: date
    status: str = "registered"
    licence: dict[str, Any] | None = None
    supervision: dict[str, Any] | None = None
    # The end of the last supervision, while none is in place again.
    supervision_ended: dict[str, Any] | None = None
    suspension: dict[str, Any] | None = None
    blacklisting: dict[str, Any] | None = None
    penalties: list[dict[str, Any]] = field(default_factory=list)
    revocation: dict[str, Any] | None = None
    conversion: dict[str, Any] | None = None
    cessation: dict[str, Any] | None = None
    deregistration: dict[str, Any] | None = None

    @property
    def licence_expired(self) -> bool:
        """The licence's last day has passed and no renewal in force extends it."""
        return self.licence is not None and self.on > date.fromisoformat(self.licence["valid_to"])

    @property
    def blacklisted(self) -> bool:
        return self.blacklisting is not None

    @property
    def legitimate(self) -> bool:
        """Licensed and within the licence, not blacklisted, fees under supervision."""
        return (
            self.status == "licensed"
            and not self.licence_expired
            and not self.blacklisted
            and self.supervision is not None
        )


def known_by(decisions: Iterable[Decision], known_at: datetime | None) -> list[Decision]:
    """The decisions the registry had recorded by ``known_at`` (all of them when None)."""
    return [d for d in decisions if known_at is None or d.recorded_at <= known_at]


def annulments(decisions: Iterable[Decision]) -> dict[int, Decision]:
    """The annulled decisions' versions, each with the annulment that set it aside."""
    found: dict[int, Decision] = {}
    for d in decisions:
        version = d.annulled_version
        if version is not None:
            found[version] = d
    return found


def in_effect_order(decisions: Iterable[Decision]) -> list[Decision]:
    """The decisions that count (not annulments, not annulled), by effective day then record."""
    listed = list(decisions)
    annulled = annulments(listed)
    return sorted(
        (d for d in listed if d.kind != ANNULLED and d.version not in annulled),
        key=lambda d: (d.effective_on, d.version),
    )


def registration(decisions: Iterable[Decision]) -> Decision | None:
    return next((d for d in decisions if d.kind == REGISTERED), None)


def entry_day(decisions: Sequence[Decision]) -> date | None:
    """The day the institution is in the register from: its ``registered_on``. Registrations
    written before they were dated count from the day they were recorded, or from an earlier
    decision's effective day if one is dated before it (no decision precedes the entry)."""
    registered = registration(decisions)
    if registered is None:
        return None
    return min(d.effective_on for d in [registered, *in_effect_order(decisions)])


def standing(
    decisions: Sequence[Decision], on: date, known_at: datetime | None = None
) -> Standing | None:
    """What was in force at the end of ``on`` as known at ``known_at`` (now when None); None
    when the institution was not registered on that day, or not yet recorded at that time."""
    known = known_by(decisions, known_at)
    entered = entry_day(known)
    if entered is None or entered > on:
        return None
    state = Standing(on=on, registered_on=entered)
    for d in in_effect_order(known):
        if d.effective_on > on:
            break
        _apply(state, d)
    return state


def latest(decisions: Sequence[Decision]) -> Standing | None:
    """Every decision on the record applied, whatever its date (the record as it stands)."""
    return standing(decisions, date.max)


def change_days(decisions: Sequence[Decision]) -> list[date]:
    """The days on which the standing may change: each effective day, and the day after each
    licence end (the licence lapses then unless renewed)."""
    days = {d.effective_on for d in in_effect_order(decisions)}
    for d in decisions:
        end = d.data.get("valid_to") if d.kind in ("LicenceIssued", "LicenceRenewed") else None
        if end:
            days.add(date.fromisoformat(str(end)) + timedelta(days=1))
    return sorted(days)


def in_force_decision(decisions: Sequence[Decision], on: date, *kinds: str) -> Decision | None:
    """The last decision of one of ``kinds`` that counts and takes effect by ``on``."""
    found = [d for d in in_effect_order(decisions) if d.kind in kinds and d.effective_on <= on]
    return found[-1] if found else None


def next_change(decisions: Sequence[Decision], after: date) -> date | None:
    """The first day after ``after`` on which the standing may change."""
    return next((d for d in change_days(decisions) if d > after), None)


def _apply(s: Standing, d: Decision) -> None:
    data, kind = d.data, d.kind
    status = STATUS_OF.get(kind)
    if status is not None:
        s.status = status
    if kind == "LicenceIssued":
        s.licence = {
            k: data[k] for k in ("licence_no", "approving_authority", "valid_from", "valid_to")
        }
    elif kind == "LicenceRenewed" and s.licence is not None:
        s.licence = {**s.licence, "valid_to": data["valid_to"]}
    elif kind == "FundSupervisionEstablished":
        s.supervision = {
            k: data.get(k)
            for k in ("mode", "bank", "account_no", "agreement_no", "reserve_fen", "established_on")
        }
        s.supervision_ended = None
    elif kind == "FundSupervisionEnded":
        s.supervision = None
        s.supervision_ended = {k: data[k] for k in ("ended_on", "reason")}
    elif kind == "EnrolmentSuspended":
        s.suspension = {k: data[k] for k in ("decision_no", "reason", "effective_from")}
    elif kind in ("EnrolmentSuspensionLifted", "LicenceRevoked"):
        s.suspension = None
        if kind == "LicenceRevoked":
            s.revocation = {
                k: data[k] for k in ("decision_no", "reason", "notice_served_on", "effective_on")
            }
    elif kind == "PenaltyImposed":
        s.penalties = [
            *s.penalties,
            {
                k: data[k]
                for k in ("decision_no", "kinds", "fine_fen", "illegal_gains_fen", "decided_on")
            },
        ]
    elif kind == "ConversionStarted":
        s.conversion = {
            "started_on": data["started_on"],
            "planned_successor_name": data["planned_successor_name"],
            "successor_id": None,
            "completed_on": None,
        }
    elif kind == "ConversionCompleted":
        s.conversion = {
            **(s.conversion or {}),
            **{k: data[k] for k in ("successor_id", "successor_credit_code", "completed_on")},
        }
    elif kind == "ConversionAbandoned":
        s.conversion = {
            **(s.conversion or {}),
            "abandoned_on": data["abandoned_on"],
            "abandonment_reason": data["reason"],
        }
    elif kind == "OperationsCeased":
        s.cessation = {k: data[k] for k in ("kind", "ceased_on", "reason")}
    elif kind == "Blacklisted":
        s.blacklisting = {k: data[k] for k in ("reasons", "decision_no", "listed_on")}
    elif kind == "RemovedFromBlacklist":
        s.blacklisting = None
    elif kind == "Deregistered":
        s.deregistration = {k: data[k] for k in ("deregistered_on", "reason")}


def status_history(decisions: Sequence[Decision]) -> list[dict[str, Any]]:
    """The status changes on the record in effective order, each with when it was recorded
    and, if annulled, the annulment that set it aside (it stays listed, struck through)."""
    annulled = annulments(decisions)
    changes = sorted(
        (d for d in decisions if d.kind in STATUS_OF), key=lambda d: (d.effective_on, d.version)
    )
    return [
        {
            "status": STATUS_OF[d.kind],
            "effective_on": d.effective_on.isoformat(),
            "recorded_at": d.recorded_at.isoformat(),
            "recorded_on": d.recorded_at.astimezone(SHANGHAI).date().isoformat(),
            "position": d.position,
            "annulled": _annulment(annulled.get(d.version)),
        }
        for d in changes
    ]


def _annulment(d: Decision | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "decision_no": d.data["decision_no"],
        "annulled_on": d.data["annulled_on"],
        "recorded_at": d.recorded_at.isoformat(),
        "position": d.position,
    }


def in_force_on(decisions: Sequence[Decision], day: date) -> dict[str, Any]:
    """The institution's status, licence and fund supervision in force on ``day`` by effective
    dates, as the checks of a payment or a lesson and the court case file read them. Before the
    institution was in the register its status is ``not_registered``."""
    s = standing(decisions, day)
    if s is None:
        return {
            "on": day.isoformat(),
            "status": "not_registered",
            "licence": None,
            "licence_expired": False,
            "supervision": None,
            "suspension": None,
            "blacklisted": False,
            "legitimate": False,
        }
    return {
        "on": day.isoformat(),
        "status": s.status,
        "licence": s.licence,
        "licence_expired": s.licence_expired,
        "supervision": s.supervision,
        "suspension": s.suspension,
        "blacklisted": s.blacklisted,
        "legitimate": s.legitimate,
    }
