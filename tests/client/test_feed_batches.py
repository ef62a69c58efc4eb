"""A custody bank's system reports a batch of facts with ``registry.client``, over real HTTP."""

from __future__ import annotations

import asyncio

import pytest

from registry.client import AsyncRegistryClient, FeedBatchResult, Forbidden, RegistryClient
from registry.domain.commands.cases import AttachEvidence
from tests.builders.commands import legitimate, paid_contract, record_consumption, record_payment
from tests.builders.principals import HAIDIAN_BANK
from tests.client.conftest import Server


def test_a_bank_reports_a_batch_and_sending_it_again_records_nothing_twice(
    server: Server,
) -> None:
    registry = server.services.registry
    contract = paid_contract(registry, legitimate(registry))
    facts = [record_consumption(contract, 10), record_consumption(contract, 60)]
    key = server.key("feed", ["110108"], "中国工商银行北京海淀支行资金监管接口")

    with RegistryClient(server.url, key) as bank:
        first = bank.report_facts("icbc-hd-0001", facts)
        again = bank.report_facts("icbc-hd-0001", facts)

    assert [r.status for r in first.results] == ["recorded", "refused"]
    assert first.results[1].refusal is not None
    assert first.results[1].refusal["rule"] == "lessons.within_purchase"
    assert (first.replayed, again.replayed) == (False, True)
    assert again.results == first.results
    assert bank.last_position == first.position
    assert registry.contract(HAIDIAN_BANK, contract)["consumed_lessons"] == 10


def test_the_asynchronous_client_reports_a_batch_too(server: Server) -> None:
    registry = server.services.registry
    contract = paid_contract(registry, legitimate(registry))
    key = server.key("feed", ["110108"], "中国工商银行北京海淀支行资金监管接口")

    async def report() -> FeedBatchResult:
        async with AsyncRegistryClient(server.url, key) as bank:
            return await bank.report_facts("icbc-hd-0002", [record_payment(contract)])

    result = asyncio.run(report())

    assert (result.recorded, result.results[0].status) == (1, "recorded")


def test_a_key_that_may_not_report_gets_a_typed_refusal_and_other_commands_are_no_facts(
    server: Server,
) -> None:
    registry = server.services.registry
    contract = paid_contract(registry, legitimate(registry))
    court = server.key("court", [], "北京市海淀区人民法院")

    with RegistryClient(server.url, court) as client:
        with pytest.raises(Forbidden):
            client.report_facts("c-1", [record_consumption(contract, 1)])
        with pytest.raises(TypeError):
            evidence = AttachEvidence(
                case_id=contract, kind="contract", description="合同", sha256="0" * 64
            )
            client.report_facts("c-2", [evidence])
