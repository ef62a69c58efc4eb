"""Who a prepaid contract is signed with, and who may report on it: SQLite and PostgreSQL alike.

Feeds (the custody bank, the platform) report the facts of contracts of institutions in their
districts, and only of registered institutions still on the register.
"""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from registry.bootstrap import Services
from registry.domain.commands.institutions import Deregister, RevokeLicence
from registry.domain.errors import Forbidden, RuleViolation
from tests.builders.commands import legitimate, record_payment, sign_contract
from tests.builders.principals import HAIDIAN, HAIDIAN_BANK, XUHUI_BANK


def test_a_contract_with_an_unregistered_institution_is_refused(services: Services) -> None:
    store = services.registry.store
    before = store.head()

    with pytest.raises(RuleViolation) as refused:
        services.registry.execute(HAIDIAN_BANK, sign_contract(uuid4()))

    assert refused.value.rule == "contract.institution_known"
    assert store.head() == before


def test_a_deregistered_institution_signs_no_contracts(services: Services) -> None:
    registry = services.registry
    institution_id = legitimate(registry)
    revocation = RevokeLicence(
        institution_id=institution_id,
        decision_no="海教罚〔2025〕21号",
        reason="无证开展学科类培训且拒不整改",
        notice_served_on=date(2025, 6, 2),
        effective_on=date(2025, 6, 20),
    )
    registry.execute(HAIDIAN, revocation)
    deregistration = Deregister(
        institution_id=institution_id, deregistered_on=date(2025, 9, 1), reason="吊销后注销"
    )
    registry.execute(HAIDIAN, deregistration)
    before = registry.store.head()

    with pytest.raises(RuleViolation) as refused:
        registry.execute(HAIDIAN_BANK, sign_contract(institution_id))

    assert refused.value.rule == "contract.institution_active"
    assert registry.store.head() == before


def test_a_feed_of_another_district_may_not_report_on_an_institutions_contracts(
    services: Services,
) -> None:
    registry = services.registry
    institution_id = legitimate(registry)
    contract_id = registry.execute(HAIDIAN_BANK, sign_contract(institution_id)).id
    before = registry.store.head()

    with pytest.raises(Forbidden):
        registry.execute(XUHUI_BANK, sign_contract(institution_id))
    with pytest.raises(Forbidden):
        registry.execute(
            XUHUI_BANK, record_payment(contract_id, channel="银行转账", covers_until=None)
        )
    with pytest.raises(Forbidden):
        registry.contract(XUHUI_BANK, contract_id)

    assert registry.store.head() == before
