"""A district's system drives the registry with ``registry.client`` only, over real HTTP."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import timedelta

import pytest

from registry.client import (
    AsyncRegistryClient,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RegistryClient,
    RuleViolation,
    Unauthenticated,
)
from registry.domain.clock import today
from registry.domain.commands.institutions import (
    EstablishFundSupervision,
    ImposePenalty,
    IssueLicence,
    OrderRectification,
    RecordInspection,
    RegisterInstitution,
)
from registry.domain.uscc import check_character
from tests.client.conftest import Server

TODAY = today()


def code(serial: int) -> str:
    first17 = f"91110108MA00{serial:04d}X"[:17]
    return first17 + check_character(first17)


def registration(serial: int, district: str = "110108") -> RegisterInstitution:
    return RegisterInstitution(
        name=f"北京第{serial}艺术培训有限公司",
        credit_code=code(serial),
        district_code=district,
        address="北京市海淀区中关村大街1号",
        category="non_academic",
        subjects=["美术"],
        delivery="offline",
        legal_form="company",
        legal_representative="王某",
        registered_on=TODAY - timedelta(days=60),
    )


def test_a_bureau_registers_licenses_inspects_orders_rectification_and_reads_its_writes(
    server: Server,
) -> None:
    key = server.key("regulator", ["110108"], "北京市海淀区教育委员会")
    with RegistryClient(server.url, key) as bureau:
        registered = bureau.register_institution(registration(1))
        iid = uuid.UUID(registered.id)
        licensed = bureau.issue_licence(
            IssueLicence(
                institution_id=iid,
                licence_no="教民111010870000001号",
                approving_authority="北京市海淀区教育委员会",
                valid_from=TODAY - timedelta(days=30),
                valid_to=TODAY + timedelta(days=60),
            ),
            if_match=registered.version,
        )
        assert licensed.version == registered.version + 1
        bureau.establish_fund_supervision(
            EstablishFundSupervision(
                institution_id=iid,
                mode="bank_custody",
                bank="中国工商银行北京海淀支行",
                account_no="0200000000000000001",
                agreement_no="JG-2025-0001",
            )
        )
        inspection = bureau.record_inspection(
            RecordInspection(
                institution_id=iid,
                inspected_on=TODAY,
                kind="routine",
                inspectors=["赵某"],
                findings=[{"code": "F-01", "description": "收费公示不全", "severity": "minor"}],
                result="rectify",
            )
        )
        order = bureau.order_rectification(
            OrderRectification(
                institution_id=iid,
                inspection_id=inspection.id,
                items=["公示收费项目和标准"],
                deadline=TODAY + timedelta(days=30),
            )
        )
        assert order.institution_id == registered.id
        assert bureau.last_position == order.position

        view = bureau.institution(iid)
        assert view.status == "licensed"
        assert view.open_rectification_orders == [order.id]

        # The list is a read model: the client asks for its last write's position.
        listed = list(bureau.institutions(open_rectification=True))
        assert [item.id for item in listed] == [registered.id]
        assert listed[0].position >= order.position
        assert listed[0].open_rectification_orders == 1
        assert listed[0].supervision_mode == "bank_custody"
        expiring = bureau.institutions(licence_expiring_before=TODAY + timedelta(days=90))
        assert [item.id for item in expiring] == [registered.id]
        assert list(bureau.institutions(licence_expiring_before=TODAY)) == []

        events = [e.type for e in bureau.institution_events(iid)]
        assert events == [
            "InstitutionRegistered",
            "LicenceIssued",
            "FundSupervisionEstablished",
            "InspectionRecorded",
            "RectificationOrdered",
        ]


def test_the_list_is_read_page_after_page_and_only_in_the_keys_districts(server: Server) -> None:
    admin = RegistryClient(server.url, server.key("admin", [], "教育部"))
    for serial in range(10, 17):
        admin.register_institution(registration(serial))
    admin.register_institution(registration(99, district="310104"))
    regulator = RegistryClient(server.url, server.key("regulator", ["110108"], "海淀"))
    seen = list(regulator.institutions(limit=2, consistent_after=admin.last_position))
    assert [item.credit_code for item in seen] == sorted(code(s) for s in range(10, 17))
    everywhere = list(admin.institutions(limit=3))
    assert len(everywhere) == 8
    assert [i.credit_code for i in admin.institutions(district_code="310104")] == [code(99)]
    with pytest.raises(Forbidden):
        list(regulator.institutions(district_code="310104"))
    with pytest.raises(Forbidden):
        list(RegistryClient(server.url, server.key("court", [], "法院")).institutions())


def test_refusals_arrive_as_typed_errors(server: Server) -> None:
    bureau = RegistryClient(server.url, server.key("regulator", ["110108"], "海淀"))
    registered = bureau.register_institution(registration(2))
    iid = uuid.UUID(registered.id)

    with pytest.raises(Conflict):
        bureau.register_institution(registration(2))
    with pytest.raises(RuleViolation) as refused:
        bureau.impose_penalty(
            ImposePenalty(
                institution_id=iid,
                decision_no="海教罚字〔2025〕1号",
                kinds=["flogging"],
                decided_on=TODAY,
            )
        )
    assert refused.value.rule == "penalty.kind"
    assert refused.value.status == 422
    with pytest.raises(Conflict):
        bureau.issue_licence(
            IssueLicence(
                institution_id=iid,
                licence_no="教民1号",
                approving_authority="海淀区教委",
                valid_from=TODAY,
                valid_to=TODAY + timedelta(days=365),
            ),
            if_match=registered.version + 5,
        )
    with pytest.raises(InvalidInput) as malformed:
        bureau.register_institution(dataclasses.replace(registration(3), subjects=[]))
    assert malformed.value.errors
    with pytest.raises(NotFound):
        bureau.institution(uuid.uuid4())
    with pytest.raises(Forbidden):
        RegistryClient(server.url, server.key("regulator", ["310104"], "徐汇")).institution(iid)
    with pytest.raises(Unauthenticated):
        RegistryClient(server.url, "rk_not_a_key").institution(iid)


def test_a_write_sent_twice_with_one_idempotency_key_is_applied_once(server: Server) -> None:
    bureau = RegistryClient(server.url, server.key("regulator", ["110108"], "海淀"))
    first = bureau.register_institution(registration(4), idempotency_key="import-4")
    again = bureau.register_institution(registration(4), idempotency_key="import-4")
    assert again.replayed and not first.replayed
    assert again.model_dump(exclude={"replayed"}) == first.model_dump(exclude={"replayed"})
    assert len(list(bureau.institution_events(first.id))) == 1


def test_the_asynchronous_client_does_the_same_over_the_same_api(server: Server) -> None:
    key = server.key("regulator", ["110108"], "海淀")

    async def session() -> tuple[str, list[str]]:
        async with AsyncRegistryClient(server.url, key) as bureau:
            written = await bureau.register_institution(registration(5))
            view = await bureau.institution(written.id)
            listed = [i.id async for i in bureau.institutions(status="registered")]
            with pytest.raises(Conflict):
                await bureau.register_institution(registration(5))
            return view.id, listed

    seen, listed = asyncio.run(session())
    assert listed == [seen]


def test_the_two_clients_offer_the_same_operations() -> None:
    def operations(cls: type) -> set[str]:
        return {n for n in dir(cls) if not n.startswith("_")} - {"close", "aclose"}

    assert operations(RegistryClient) == operations(AsyncRegistryClient)


def test_an_administrator_handles_keys_with_the_asynchronous_client(server: Server) -> None:
    key = server.key("admin", [], "教育部")

    async def session() -> tuple[str, str | None]:
        async with AsyncRegistryClient(server.url, key) as admin:
            issued = await admin.create_key("court", [], "法院", expires_in_days=30)
            revoked = await admin.revoke_key(issued.id)
            listed = {k.id for k in await admin.keys()}
            assert issued.id in listed
            return issued.id, revoked.revoked_at and revoked.revoked_at.isoformat()

    key_id, revoked_at = asyncio.run(session())
    assert key_id and revoked_at
