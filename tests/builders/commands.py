"""Typed commands for the application tests, built from the fields of ``institutions`` and
``contracts``: ``registry.execute(HAIDIAN, issue_licence(institution_id))``.

Each builder is named after its command and takes the ids it acts on, then overrides of any
field. ``legitimate`` brings the arts school into the state a parent hopes to find,
``paid_contract`` gives it a family's paid contract; ``contract_event_types`` reads a ledger.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from registry.application.registry import Registry
from registry.domain.commands.contracts import RecordConsumption, RecordPayment, SignContract
from registry.domain.commands.institutions import (
    EstablishFundSupervision,
    IssueLicence,
    RegisterInstitution,
)
from registry.domain.principal import Principal
from tests.builders.contracts import contract_terms, payment, shanghai
from tests.builders.institutions import arts_school, bank_custody, licence
from tests.builders.principals import HAIDIAN, HAIDIAN_BANK


def register_institution(**overrides: Any) -> RegisterInstitution:
    """Register the arts school of ``institutions.arts_school``, with ``overrides``."""
    return RegisterInstitution(**arts_school(**overrides))


def issue_licence(institution_id: UUID, **overrides: Any) -> IssueLicence:
    return IssueLicence(institution_id=institution_id, **licence(**overrides))


def establish_fund_supervision(institution_id: UUID, **overrides: Any) -> EstablishFundSupervision:
    return EstablishFundSupervision(institution_id=institution_id, **bank_custody(**overrides))


def legitimate(registry: Registry, principal: Principal = HAIDIAN, **overrides: Any) -> UUID:
    """Registered, licensed and under bank custody; its id."""
    institution_id = registry.execute(principal, register_institution(**overrides)).id
    registry.execute(principal, issue_licence(institution_id))
    registry.execute(principal, establish_fund_supervision(institution_id))
    return institution_id


def sign_contract(institution_id: UUID, **overrides: Any) -> SignContract:
    """The worked example's contract, signed with the institution."""
    return SignContract(institution_id=institution_id, **contract_terms(**overrides))


def record_payment(contract_id: UUID, **overrides: Any) -> RecordPayment:
    """The whole fee, paid into the supervised account."""
    return RecordPayment(contract_id=contract_id, **payment(**overrides))


def record_consumption(contract_id: UUID, lessons: int, **overrides: Any) -> RecordConsumption:
    """``lessons`` taught offline one Tuesday afternoon."""
    return RecordConsumption(
        **{
            "contract_id": contract_id,
            "lessons": lessons,
            "starts_at": shanghai("2026-03-10", "16:00"),
            "ends_at": shanghai("2026-03-10", "19:00"),
            "delivery": "offline",
            **overrides,
        }
    )


def paid_contract(registry: Registry, institution_id: UUID) -> UUID:
    """The worked example's contract, signed and paid in full by the custody bank; its id."""
    contract_id = registry.execute(HAIDIAN_BANK, sign_contract(institution_id)).id
    registry.execute(HAIDIAN_BANK, record_payment(contract_id))
    return contract_id


def contract_event_types(registry: Registry, contract_id: UUID) -> list[str]:
    """The contract's ledger as 海淀区教委 reads it: the type of each event, in order."""
    return [e.type for e in registry.contract_ledger(HAIDIAN, contract_id, 0, 1000)]
