"""Bringing an existing register in: many institutions, each checked by the domain, saved in one
transaction per batch.

Each entry is one institution as an older register knows it, in the command types: its
registration and, if it has them, its licence and its fund supervision. An entry goes through
the same authorisation and the same domain rules as ``Registry.execute`` would take it command
by command; only the saving is batched (one transaction for many new aggregates, which nobody
else can be writing to). An entry is idempotent by credit code: one already in the register
gets only what it still lacks (a licence, supervision), so a rerun or a resumed import adds
nothing twice. A refused entry appends nothing and is reported; the others are saved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal
from uuid import UUID

from eventsourcing.domain import Aggregate

from registry.application.institutions import new_institution
from registry.application.store import EventStore
from registry.domain import rules
from registry.domain.clock import today
from registry.domain.commands.institutions import (
    EstablishFundSupervision,
    IssueLicence,
    RegisterInstitution,
)
from registry.domain.dating import check_command_dates
from registry.domain.errors import Conflict, RegistryError, RuleViolation
from registry.domain.institution import Institution
from registry.domain.principal import Principal
from registry.domain.uscc import CreditCode

REGULATORS = ("regulator",)


@dataclass(frozen=True)
class ImportEntry:
    """One institution: its registration, and its licence and supervision when it has them
    (their ``institution_id`` is ignored: the credit code decides the institution)."""

    register: RegisterInstitution
    licence: IssueLicence | None = None
    supervision: EstablishFundSupervision | None = None


@dataclass(frozen=True)
class ImportOutcome:
    """What became of one entry: ``added`` (new), ``completed`` (was there, got what it
    lacked), ``present`` (nothing to do) or ``refused`` (with the error)."""

    result: Literal["added", "completed", "present", "refused"]
    error: RegistryError | None = None


def _apply(
    store: EventStore, principal: Principal, entry: ImportEntry, stored: bool
) -> tuple[Institution, Literal["added", "completed", "present"]]:
    c = entry.register
    principal.require(REGULATORS, c.district_code)
    try:
        code = CreditCode.parse(c.credit_code)
    except ValueError as e:
        raise RuleViolation(rules.USCC_CHECK.id, str(e)) from None
    actor = principal.as_actor()
    day = today()
    for command in (c, entry.licence, entry.supervision):
        check_command_dates(command, day)
    institution = store.find(Institution, Institution.create_id(code.value)) if stored else None
    result: Literal["added", "completed", "present"] = "present"
    if institution is None:
        institution = new_institution(
            replace(c, credit_code=code.value, successor_of=None),
            # Undated, an entry counts from its licence's first day (the register it comes
            # from knew it then), or from today.
            registered_on=c.registered_on
            or (min(entry.licence.valid_from, day) if entry.licence else day),
            actor=actor,
        )
        result = "added"
    elif institution.district_code != c.district_code:
        raise Conflict(
            f"credit code {code.value} is registered in district {institution.district_code}"
        )
    licence, supervision = entry.licence, entry.supervision
    if licence is not None and institution.licence is None:
        institution.issue_licence(
            licence_no=licence.licence_no,
            approving_authority=licence.approving_authority,
            valid_from=licence.valid_from,
            valid_to=licence.valid_to,
            actor=actor,
        )
        result = "added" if result == "added" else "completed"
    if supervision is not None and institution.supervision is None:
        institution.establish_fund_supervision(
            mode=supervision.mode,
            bank=supervision.bank,
            account_no=supervision.account_no,
            agreement_no=supervision.agreement_no,
            reserve_fen=supervision.reserve_fen,
            established_on=supervision.established_on or day,
            actor=actor,
        )
        result = "added" if result == "added" else "completed"
    return institution, result


def _stream_of(credit_code: str) -> UUID | None:
    try:
        return Institution.create_id(CreditCode.parse(credit_code).value)
    except ValueError:
        return None


def import_entries(
    store: EventStore,
    existing: Callable[[Sequence[UUID]], set[UUID]],
    principal: Principal,
    entries: Sequence[ImportEntry],
    save: bool = True,
) -> tuple[list[ImportOutcome], int | None]:
    """Check every entry, save the accepted ones in one transaction (unless ``save`` is false:
    a dry run); answers one outcome per entry and the log position of the last event saved.
    ``existing`` tells which institution streams are stored (one query for the batch)."""
    streams = [_stream_of(e.register.credit_code) for e in entries]
    stored = existing([s for s in streams if s is not None])
    outcomes: list[ImportOutcome] = []
    changed: list[Aggregate] = []
    seen: set[str] = set()
    for entry, stream in zip(entries, streams, strict=True):
        code = entry.register.credit_code.strip().upper()
        if code in seen:
            outcomes.append(ImportOutcome("refused", Conflict(f"credit code {code} appears twice")))
            continue
        seen.add(code)
        try:
            institution, result = _apply(store, principal, entry, stream in stored)
        except RegistryError as e:
            outcomes.append(ImportOutcome("refused", e))
            continue
        outcomes.append(ImportOutcome(result))
        if result != "present":
            changed.append(institution)
    if not save or not changed:
        return outcomes, None
    return outcomes, store.save_all(changed[0], *changed[1:]).position
