"""Which contracts an institution holds, and which of them are one pupil's, read from its roster
stream and the contract streams (not from a read model), so a replay judges the same."""

from __future__ import annotations

from uuid import UUID

from registry.application.store import EventStore
from registry.domain.contract import TrainingContract
from registry.domain.contract_ledger import CLOSED
from registry.domain.roster import ContractRoster, pupil_key


def roster(store: EventStore, institution_id: UUID) -> ContractRoster:
    """The institution's roster, or a new empty one (saved with its first contract)."""
    found = store.find(ContractRoster, ContractRoster.create_id(institution_id))
    return found or ContractRoster(institution_id=institution_id)


def contracts_of(store: EventStore, institution_id: UUID) -> list[TrainingContract]:
    """The contracts the institution holds now (transferred ones belong to the successor)."""
    held = []
    for contract_id in roster(store, institution_id).contract_ids:
        contract = store.load(TrainingContract, contract_id, "contract")
        if contract.institution_id == institution_id:
            held.append(contract)
    return held


def open_contract_count(store: EventStore, institution_id: UUID) -> int:
    """Contracts of the institution still owing: neither refunded, transferred nor closed."""
    return sum(1 for c in contracts_of(store, institution_id) if c.is_open)


def enrol(store: EventStore, contract: TrainingContract) -> ContractRoster:
    """The roster of the contract's institution with the contract enrolled (to be saved)."""
    joined = roster(store, contract.institution_id)
    joined.enrol(contract.id, pupil_key(contract.institution_id, contract.terms["pupil_ref"]))
    return joined


def lessons_of_pupil_elsewhere(store: EventStore, contract: TrainingContract) -> int:
    """Lessons paid for and not yet taught on the pupil's other contracts at the institution
    whose terms overlap this one's and which are not closed: they count with a new charge
    toward the 60-lesson cap (docs/domain.md §4.6)."""
    found = store.find(ContractRoster, ContractRoster.create_id(contract.institution_id))
    if found is None:
        return 0
    terms = contract.terms
    key = pupil_key(contract.institution_id, terms["pupil_ref"])
    total = 0
    for contract_id in found.contracts_perhaps_of(key):
        if contract_id == contract.id:
            continue
        other = store.load(TrainingContract, contract_id, "contract")
        o = other.terms
        if (
            other.institution_id == contract.institution_id
            and o["pupil_ref"].strip() == terms["pupil_ref"].strip()
            and other.status not in CLOSED
            and o["start_date"] <= terms["end_date"]
            and terms["start_date"] <= o["end_date"]
        ):
            total += other.outstanding_lessons
    return total
