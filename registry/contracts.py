"""Contract commands and queries of the Registry (a mixin of ``Registry``).

Feeds (banks, platforms) and regulators report the facts of prepaid contracts of institutions
in their districts. The contract stream keeps the money rules; the institution's state at the
moment of a payment is read here and handed to the contract, which flags what it breaks.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from registry.domain import rules
from registry.domain.contract import TrainingContract
from registry.domain.errors import Conflict, InvalidInput, RuleViolation
from registry.domain.institution import Institution
from registry.domain.principal import Principal
from registry.domain.roster import ContractRoster
from registry.domain.unconsumed import METHODS, POOLED, round_fen
from registry.privacy import mask_personal
from registry.results import WriteResult

if TYPE_CHECKING:
    from registry.application import Registry

CONTRACT_ROLES = ("feed", "regulator")
# Who sees a guardian's name and phone in full: the feeds of the district (banks and platforms
# that hold the contract anyway), courts and admins; regulators see them masked.
GUARDIAN_READERS = ("feed", "admin", "court")


class ContractCommands:
    """Prepaid contract ledger: signing, fees, lessons, escrow, refunds, transfer."""

    def roster(self: Registry, institution_id: UUID) -> ContractRoster:
        try:
            found = self.repository.get(ContractRoster.create_id(institution_id))
        except AggregateNotFoundError:
            return ContractRoster(institution_id=institution_id)
        assert isinstance(found, ContractRoster)
        return found

    def _institution_for_contract(self: Registry, institution_id: UUID) -> Institution:
        try:
            inst = self.repository.get(institution_id)
        except AggregateNotFoundError:
            inst = None
        if not isinstance(inst, Institution):
            raise RuleViolation(
                rules.CONTRACT_INSTITUTION_KNOWN.id, f"no registered institution {institution_id}"
            )
        return inst

    def sign_contract(
        self: Registry, principal: Principal, *, institution_id: UUID, **terms: Any
    ) -> WriteResult:
        """A contract of an institution in the principal's district enters the ledger."""
        inst = self._institution_for_contract(institution_id)
        principal.require(CONTRACT_ROLES, inst.district_code)
        if inst.status == "deregistered":
            raise RuleViolation(
                rules.CONTRACT_INSTITUTION_ACTIVE.id, "the institution is deregistered"
            )
        for _attempt in range(5):
            contract = TrainingContract.sign(
                institution_id=inst.id,
                district_code=inst.district_code,
                category=inst.category,
                supervision_mode=(inst.supervision or {}).get("mode"),
                actor=principal.as_actor(),
                **terms,
            )
            roster = self.roster(inst.id)
            roster.enrol(contract.id)
            try:
                recordings = self.save(contract, roster)
            except IntegrityError:  # another contract joined the roster first: read it again
                continue
            return WriteResult(contract.id, contract.version, recordings[-1].notification.id)
        raise Conflict("the institution's contract roster is busy; retry the request")

    def _contract(self: Registry, principal: Principal, contract_id: UUID) -> TrainingContract:
        contract = self._get(TrainingContract, contract_id, "contract")
        principal.require((*CONTRACT_ROLES, "court"), contract.district_code)
        return contract

    def _contract_command(
        self: Registry,
        principal: Principal,
        contract_id: UUID,
        expected_version: int | None,
        command: Any,
        roles: tuple[str, ...] = CONTRACT_ROLES,
    ) -> WriteResult:
        contract = self._get(TrainingContract, contract_id, "contract")
        principal.require(roles, contract.district_code)
        self._check_version(contract, expected_version)
        command(contract)
        return self._save(contract)

    def record_payment(
        self: Registry,
        principal: Principal,
        contract_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        def collect(contract: TrainingContract) -> None:
            inst = self._get(Institution, contract.institution_id, "institution")
            contract.collect_fee(
                **fields,
                institution={"status": inst.status, "supervision": inst.supervision},
                actor=principal.as_actor(),
            )

        return self._contract_command(principal, contract_id, expected_version, collect)

    def record_consumption(
        self: Registry,
        principal: Principal,
        contract_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._contract_command(
            principal,
            contract_id,
            expected_version,
            lambda c: c.consume_lessons(**fields, actor=principal.as_actor()),
        )

    def release_escrow(
        self: Registry,
        principal: Principal,
        contract_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._contract_command(
            principal,
            contract_id,
            expected_version,
            lambda c: c.release_escrow(**fields, actor=principal.as_actor()),
        )

    def record_refund(
        self: Registry,
        principal: Principal,
        contract_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._contract_command(
            principal,
            contract_id,
            expected_version,
            lambda c: c.refund(**fields, actor=principal.as_actor()),
        )

    def terminate_contract(
        self: Registry,
        principal: Principal,
        contract_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._contract_command(
            principal,
            contract_id,
            expected_version,
            lambda c: c.terminate(**fields, actor=principal.as_actor()),
        )

    def complete_contract(
        self: Registry,
        principal: Principal,
        contract_id: UUID,
        *,
        expected_version: int | None = None,
        **fields: Any,
    ) -> WriteResult:
        return self._contract_command(
            principal,
            contract_id,
            expected_version,
            lambda c: c.complete(**fields, actor=principal.as_actor()),
        )

    def transfer_contract(
        self: Registry,
        principal: Principal,
        contract_id: UUID,
        *,
        successor_id: UUID,
        transferred_on: date,
        expected_version: int | None = None,
    ) -> WriteResult:
        """Hand a converting institution's contract to its registered non-profit successor."""
        contract = self._get(TrainingContract, contract_id, "contract")
        principal.require(("regulator",), contract.district_code)
        self._check_version(contract, expected_version)
        predecessor = self._get(Institution, contract.institution_id, "institution")
        successor = self._get(Institution, successor_id, "successor institution")
        principal.require(("regulator",), successor.district_code)
        if predecessor.status != "converting" or successor.successor_of != str(predecessor.id):
            raise RuleViolation(
                rules.CONTRACT_TRANSFER.id,
                "contracts pass only from a converting institution to its registered successor",
            )
        contract.transfer_to(
            successor_id=successor.id,
            successor_district=successor.district_code,
            transferred_on=transferred_on,
            actor=principal.as_actor(),
        )
        roster = self.roster(successor.id)
        roster.enrol(contract.id)
        return self._save(contract, roster)

    def open_contract_count(self: Registry, institution_id: UUID) -> int:
        """Contracts of the institution neither refunded nor transferred nor closed."""
        return sum(1 for c in self.contracts_of(institution_id) if c.is_open)

    def contracts_of(self: Registry, institution_id: UUID) -> list[TrainingContract]:
        """The contracts currently held by the institution (transferred ones belong to the
        successor)."""
        found = []
        for contract_id in self.roster(institution_id).contract_ids:
            contract = self.repository.get(contract_id)
            assert isinstance(contract, TrainingContract)
            if contract.institution_id == institution_id:
                found.append(contract)
        return found

    # -- queries -----------------------------------------------------------------------------

    def contract(
        self: Registry, principal: Principal, contract_id: UUID, method: str = POOLED
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

    def contract_ledger(
        self: Registry,
        principal: Principal,
        contract_id: UUID,
        after_version: int = 0,
        limit: int = 50,
    ) -> list[Any]:
        """The contract's events in order; guardian details only for those who may see them."""
        contract = self._contract(principal, contract_id)
        events = self.event_log.events(contract.id, after_version, limit)
        if principal.role in GUARDIAN_READERS:
            return events
        return [replace(e, data=mask_personal(e.data)) for e in events]


def contract_figures(contract: TrainingContract, method: str = POOLED) -> dict[str, Any]:
    """The ledger figures of a contract with its terms (guardian details included)."""
    assessment = contract.assess(method)
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
        "consumed_value_fen": round_fen(contract.consumed_value_fen),
        "unconsumed_fen": assessment.unconsumed_rounded,
        "escrow_balance_fen": contract.escrow_balance_fen,
        "method": method,
        "worksheet": assessment.worksheet(contract.ledger()),
        "payments": list(contract.payments),
        "transfers": list(contract.transfers),
        "breaches": [dict(b) for b in contract.breaches],
        "version": contract.version,
    }
