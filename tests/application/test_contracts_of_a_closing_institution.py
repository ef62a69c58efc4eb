"""What becomes of an institution's prepaid contracts when it stops: SQLite and PostgreSQL alike.

Abnormal closure (跑路) freezes the open contracts, once; conversion (营转非) waits until every
prepaid liability is refunded or handed to the registered non-profit successor.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest
from sqlalchemy import delete

from registry.adapters.store import process_positions
from registry.application.registry import Registry
from registry.application.rosters import open_contract_count
from registry.bootstrap import Services
from registry.domain.commands.contracts import (
    CompleteContract,
    RecordRefund,
    ReleaseEscrow,
    TerminateContract,
    TransferContract,
)
from registry.domain.commands.institutions import (
    CeaseOperations,
    CompleteConversion,
    IssueLicence,
    RegisterInstitution,
    StartConversion,
)
from registry.domain.errors import RuleViolation
from tests.builders.commands import (
    contract_event_types,
    establish_fund_supervision,
    legitimate,
    paid_contract,
    record_consumption,
)
from tests.builders.contracts import shanghai
from tests.builders.institutions import (
    academic_company,
    academic_licence,
    successor_licence,
    successor_school,
)
from tests.builders.principals import HAIDIAN, HAIDIAN_BANK

# -- abnormal closure (跑路) ---------------------------------------------------------------


def cease(registry: Registry, institution_id: UUID, kind: str, reason: str) -> None:
    cessation = CeaseOperations(
        institution_id=institution_id, kind=kind, ceased_on=date(2026, 4, 8), reason=reason
    )
    registry.execute(HAIDIAN, cessation)


def test_abnormal_cessation_freezes_the_open_contracts_exactly_once(services: Services) -> None:
    registry = services.registry
    institution_id = legitimate(registry)
    open_contract = paid_contract(registry, institution_id)
    finished = paid_contract(registry, institution_id)
    registry.execute(HAIDIAN_BANK, record_consumption(finished, 52))
    completion = CompleteContract(contract_id=finished, completed_on=date(2026, 3, 31))
    registry.execute(HAIDIAN_BANK, completion)

    cease(registry, institution_id, "abnormal", "负责人失联，门店关闭")
    assert registry.contract_freezer.run_once() == 0
    # A crash after freezing but before the position was recorded: the cessation is read again.
    with services.engine.begin() as conn:
        conn.execute(delete(process_positions))
    assert registry.contract_freezer.run_once() == 1

    assert contract_event_types(registry, open_contract).count("ContractFrozen") == 1
    assert registry.contract(HAIDIAN, open_contract)["status"] == "frozen"
    assert "ContractFrozen" not in contract_event_types(registry, finished)
    assert registry.contract(HAIDIAN, finished)["status"] == "completed"
    frozen = registry.contract_ledger(HAIDIAN, open_contract, 0, 1000)[-1]
    assert frozen.actor["role"] == "system"
    assert frozen.data["frozen_on"] == "2026-04-08"
    with pytest.raises(RuleViolation) as refused:
        registry.execute(HAIDIAN_BANK, ReleaseEscrow(contract_id=open_contract, amount_fen=100))
    assert refused.value.rule == "escrow.release_blocked"


def test_voluntary_cessation_does_not_freeze_the_contracts(services: Services) -> None:
    registry = services.registry
    institution_id = legitimate(registry)
    contract_id = paid_contract(registry, institution_id)

    cease(registry, institution_id, "voluntary", "经营困难，主动停办，已公告退费安排")
    registry.contract_freezer.run_once()

    assert "ContractFrozen" not in contract_event_types(registry, contract_id)
    assert registry.contract(HAIDIAN, contract_id)["status"] == "active"


# -- conversion (营转非) -------------------------------------------------------------------


def converting_with_a_contract(registry: Registry) -> tuple[UUID, UUID, UUID]:
    """A for-profit academic company licensed in 2019 (before 双减) with a paid contract of 20
    lessons taught, now converting; and its licensed, supervised non-profit successor.

    Answers (predecessor, successor, contract).
    """
    predecessor = registry.execute(HAIDIAN, RegisterInstitution(**academic_company())).id
    licence = academic_licence(valid_to=date(2027, 8, 31))
    registry.execute(HAIDIAN, IssueLicence(institution_id=predecessor, **licence))
    registry.execute(HAIDIAN, establish_fund_supervision(predecessor))
    contract_id = paid_contract(registry, predecessor)
    registry.execute(HAIDIAN_BANK, record_consumption(contract_id, 20))
    conversion = StartConversion(
        institution_id=predecessor,
        started_on=date(2026, 4, 1),
        planned_successor_name="北京市海淀区智学培训学校",
    )
    registry.execute(HAIDIAN, conversion)
    successor = registry.execute(HAIDIAN, RegisterInstitution(**successor_school(predecessor))).id
    registry.execute(HAIDIAN, IssueLicence(institution_id=successor, **successor_licence()))
    registry.execute(
        HAIDIAN, establish_fund_supervision(successor, account_no="0200004509200765432")
    )
    return predecessor, successor, contract_id


def complete_conversion(registry: Registry, predecessor: UUID, successor: UUID) -> None:
    completion = CompleteConversion(
        institution_id=predecessor, successor_id=successor, completed_on=date(2026, 6, 30)
    )
    registry.execute(HAIDIAN, completion)


def transfer(contract_id: UUID, successor: UUID) -> TransferContract:
    return TransferContract(
        contract_id=contract_id, successor_id=successor, transferred_on=date(2026, 6, 15)
    )


def test_conversion_completes_only_once_the_open_contracts_pass_to_the_successor(
    services: Services,
) -> None:
    registry = services.registry
    store = registry.store
    predecessor, successor, contract_id = converting_with_a_contract(registry)

    with pytest.raises(RuleViolation) as refused:
        complete_conversion(registry, predecessor, successor)
    assert refused.value.rule == "conversion.open_liabilities"
    assert open_contract_count(store, predecessor) == 1

    registry.execute(HAIDIAN, transfer(contract_id, successor))
    complete_conversion(registry, predecessor, successor)

    assert registry.institution(HAIDIAN, predecessor)["status"] == "converted"
    assert open_contract_count(store, predecessor) == 0
    assert open_contract_count(store, successor) == 1
    view = registry.contract(HAIDIAN, contract_id)
    assert view["institution_id"] == str(successor)
    assert view["unconsumed_fen"] == 265_846
    assert contract_event_types(registry, contract_id)[-1] == "PrepaidLiabilitiesTransferred"


def test_contracts_pass_only_to_the_registered_successor_of_a_converting_institution(
    services: Services,
) -> None:
    registry = services.registry
    arts_school = legitimate(registry)
    contract_id = paid_contract(registry, arts_school)
    _, successor, _ = converting_with_a_contract(registry)
    before = registry.store.head()

    with pytest.raises(RuleViolation) as refused:
        registry.execute(HAIDIAN, transfer(contract_id, successor))

    assert refused.value.rule == "contract.transfer"
    assert registry.store.head() == before
    assert registry.contract(HAIDIAN, contract_id)["institution_id"] == str(arts_school)


def test_a_terminated_contract_still_owing_its_family_holds_up_the_conversion(
    services: Services,
) -> None:
    # 家长申请退课: the contract ends early, 2,658.46 yuan stay owed until they are refunded.
    registry = services.registry
    predecessor, successor, contract_id = converting_with_a_contract(registry)
    termination = TerminateContract(
        contract_id=contract_id,
        by="guardian",
        reason="家长申请退课",
        terminated_on=date(2026, 6, 1),
    )
    registry.execute(HAIDIAN_BANK, termination)
    assert registry.contract(HAIDIAN, contract_id)["unconsumed_fen"] == 265_846

    with pytest.raises(RuleViolation) as refused:
        complete_conversion(registry, predecessor, successor)
    assert refused.value.rule == "conversion.open_liabilities"

    refund = RecordRefund(
        contract_id=contract_id, amount_fen=265_846, paid_at=shanghai("2026-06-05", "11:00")
    )
    registry.execute(HAIDIAN_BANK, refund)
    complete_conversion(registry, predecessor, successor)
    assert registry.institution(HAIDIAN, predecessor)["status"] == "converted"


def test_a_contract_refunded_in_full_no_longer_counts_as_open(services: Services) -> None:
    registry = services.registry
    institution_id = legitimate(registry)
    contract_id = paid_contract(registry, institution_id)
    registry.execute(HAIDIAN_BANK, record_consumption(contract_id, 20))
    assert open_contract_count(registry.store, institution_id) == 1

    refund = RecordRefund(
        contract_id=contract_id, amount_fen=265_846, paid_at=shanghai("2026-04-02", "11:00")
    )
    registry.execute(HAIDIAN_BANK, refund)

    assert registry.contract(HAIDIAN, contract_id)["unconsumed_fen"] == 0
    assert open_contract_count(registry.store, institution_id) == 0
