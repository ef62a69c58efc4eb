"""Effective dates of decisions: their bounds, their order against the record, annulment.

A decision may be back-dated (a register loaded with licences issued years ago) or dated ahead
(a suspension from next Monday), within the bounds of the rule pack, and never before what it
follows on the record: a licence not before the registration, a lift not before its suspension.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields, is_dataclass
from datetime import date, timedelta

from registry.domain import rules
from registry.domain.rules import DEFAULT_RULE_PACK, RulePack, refuse_unless
from registry.domain.standing import (
    EFFECTIVE_FIELD,
    REGISTERED,
    STATUS_OF,
    Decision,
    annulments,
    in_effect_order,
)

# The command fields that date a decision's effect (``registered_on``, ``valid_from``, …).
EFFECTIVE_FIELDS = frozenset(EFFECTIVE_FIELD.values())

# What, besides the registration and the last status change, a decision may not precede.
_FOLLOWS: Mapping[str, tuple[str, ...]] = {
    "LicenceRenewed": ("LicenceIssued", "LicenceRenewed"),
    "FundSupervisionEnded": ("FundSupervisionEstablished",),
    "RemovedFromBlacklist": ("Blacklisted",),
}


def check_bounds(day: date, today: date, what: str, pack: RulePack = DEFAULT_RULE_PACK) -> None:
    """An effective date lies between the earliest date of the pack and ``max_days_ahead``."""
    earliest, latest = pack.earliest_effective_date, today + timedelta(days=pack.max_days_ahead)
    refuse_unless(
        earliest <= day <= latest,
        rules.DATE_BOUNDS,
        f"{what} {day.isoformat()} is outside {earliest.isoformat()} … {latest.isoformat()}",
    )


def check_command_dates(command: object, today: date, pack: RulePack = DEFAULT_RULE_PACK) -> None:
    """Every effective date a command carries lies within the bounds."""
    if not is_dataclass(command):
        return
    for f in fields(command):
        value = getattr(command, f.name)
        if f.name in EFFECTIVE_FIELDS and isinstance(value, date):
            check_bounds(value, today, f.name, pack)


def check_order(decisions: Sequence[Decision], kind: str, day: date) -> None:
    """A decision of ``kind`` effective on ``day`` takes effect on or after the registration,
    the last status change in force on the record (for a status change), and what it follows
    (a renewal its licence, an end of supervision its start, a removal its listing)."""
    counted = in_effect_order(decisions)
    floors = [d for d in counted if d.kind == REGISTERED]
    if kind in STATUS_OF:
        floors += [d for d in counted if d.kind in STATUS_OF][-1:]
    floors += [d for d in counted if d.kind in _FOLLOWS.get(kind, ())][-1:]
    for floor in floors:
        refuse_unless(
            day >= floor.effective_on,
            rules.DATE_ORDER,
            f"{EFFECTIVE_FIELD[kind]} {day.isoformat()} is before the {floor.kind} "
            f"in effect from {floor.effective_on.isoformat()}",
        )


def check_annulment(decisions: Sequence[Decision], version: int) -> Decision:
    """The decision at ``version`` that may be annulled: one of this institution's dated
    decisions, not its entry in the register, not annulled already, and (for a status change)
    the last status change on the record."""
    target = next((d for d in decisions if d.version == version), None)
    refuse_unless(
        target is not None and target.kind not in (REGISTERED, "DecisionAnnulled"),
        rules.ANNULMENT_TARGET,
        f"version {version} of this institution is not a decision that can be annulled",
    )
    assert target is not None  # for the type checker: refused just above
    refuse_unless(
        version not in annulments(decisions),
        rules.ANNULMENT_ONCE,
        f"the {target.kind} at version {version} is already annulled",
    )
    if target.kind in STATUS_OF:
        last = [d for d in in_effect_order(decisions) if d.kind in STATUS_OF][-1]
        refuse_unless(
            last.version == version,
            rules.ANNULMENT_LATEST_STATUS,
            f"the {last.kind} at version {last.version} rests on it; annul that first",
        )
    return target
