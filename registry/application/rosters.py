"""Which contracts an institution holds, read from its roster stream (not from a read model)."""

from __future__ import annotations

from uuid import UUID

from registry.application.store import EventStore
from registry.domain.contract import TrainingContract
from registry.domain.roster import ContractRoster


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
