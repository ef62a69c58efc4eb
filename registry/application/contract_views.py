"""The ledger of one contract as its readers may see it: figures, worksheet, breaches, events.

Guardian details are shown in full to those who hold the contract anyway (the district's feeds)
and to courts and admins; regulators see them masked.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from registry.adapters.eventlog import EventLog, LoggedEvent
from registry.application.contracts import CONTRACT_ROLES
from registry.application.store import EventStore
from registry.domain.contract import TrainingContract
from registry.domain.errors import InvalidInput
from registry.domain.principal import Principal
from registry.domain.unconsumed import METHODS, POOLED, round_fen
from registry.privacy import mask_personal

# Who sees a guardian's name and phone in full: the feeds of the district (banks and platforms
# that hold the contract anyway), courts and admins; regulators see them masked.
GUARDIAN_READERS = ("feed", "admin", "court")


def contract_figures(contract: TrainingContract, method: str = POOLED) -> dict[str, Any]:
    """The ledger figures of a contract with its terms (guardian details included), every
    derived figure by ``method``; the blocks each charge bought are in the worksheet."""
    assessment = contract.assess(method)
    worksheet = contract.worksheet(method)
    return {
        "id": str(contract.id),
        **contract.terms,
        "institution_id": str(contract.institution_id),
        "district_code": contract.district_code,
        "status": contract.status,
        "disputed": contract.disputed,
        "paid_fen": contract.paid_fen,
        "consumed_lessons": contract.consumed_lessons,
        "released_fen": contract.released_fen,
        "refunded_fen": contract.refunded_fen,
        "consumed_value_fen": round_fen(assessment.consumed_value_fen),
        "unconsumed_fen": assessment.unconsumed_rounded,
        # What may still be released: the value of the lessons taught less what was (the
        # release refusal itself reads it by POOLED).
        "releasable_fen": worksheet["releasable_fen"],
        "escrow_balance_fen": contract.escrow_balance_fen,
        "method": method,
        "blocks": worksheet["blocks"],
        "worksheet": worksheet,
        "payments": list(contract.payments),
        "transfers": list(contract.transfers),
        "breaches": [dict(b) for b in contract.breaches],
        "version": contract.version,
    }


class ContractQueries:
    """A contract's ledger and its events, for the district's feeds, regulators and courts."""

    def __init__(self, store: EventStore, event_log: EventLog) -> None:
        self.store = store
        self.event_log = event_log

    def _contract(self, principal: Principal, contract_id: UUID) -> TrainingContract:
        contract = self.store.load(TrainingContract, contract_id, "contract")
        principal.require((*CONTRACT_ROLES, "court"), contract.district_code)
        return contract

    def contract(
        self, principal: Principal, contract_id: UUID, method: str = POOLED
    ) -> dict[str, Any]:
        """The ledger of one contract, its breaches with log positions, and the worksheet."""
        if method not in METHODS:
            raise InvalidInput(f"method must be one of {', '.join(METHODS)}", "method")
        contract = self._contract(principal, contract_id)
        positions = {e.version: e.position for e in self.event_log.events(contract.id, 0, 100_000)}
        view = contract_figures(contract, method)
        if principal.role not in GUARDIAN_READERS:
            view = mask_personal(view)
        view["breaches"] = [
            {
                "rule": b["rule"],
                "rule_version": b["rule_version"],
                "detail": b["detail"],
                "position": positions.get(b["event_version"]),
            }
            for b in contract.breaches
        ]
        return view

    def ledger(
        self, principal: Principal, contract_id: UUID, after_version: int = 0, limit: int = 50
    ) -> list[LoggedEvent]:
        """The contract's events in order; guardian details only for those who may see them."""
        contract = self._contract(principal, contract_id)
        events = self.event_log.events(contract.id, after_version, limit)
        if principal.role in GUARDIAN_READERS:
            return events
        return [replace(e, data=mask_personal(e.data)) for e in events]
