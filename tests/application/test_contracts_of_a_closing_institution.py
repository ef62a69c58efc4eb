"""Prepaid contracts through the Registry on a real event store: SQLite and PostgreSQL alike.

Feeds (the custody bank, the platform) report the facts of contracts of institutions in their
districts; the district's education bureau regulates the institutions. Abnormal closure (跑路)
freezes the open contracts, and conversion (营转非) waits until every prepaid liability is
refunded or handed to the non-profit successor.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import delete

from registry.adapters.store import process_positions
from registry.bootstrap import Services
from registry.domain.clock import SHANGHAI
from registry.domain.errors import Conflict, Forbidden, RuleViolation
from registry.domain.principal import Principal
from registry.domain.uscc import check_character

# 北京市海淀区教育委员会 and the custody feeds of two districts.
HAIDIAN = Principal(id="key-hd-jw", role="regulator", districts=("110108",), name="海淀区教委")
HAIDIAN_BANK = Principal(
    id="key-icbc-hd", role="feed", districts=("110108",), name="工商银行海淀支行资金监管接口"
)
XUHUI_BANK = Principal(
    id="key-bocom-xh", role="feed", districts=("310104",), name="交通银行徐汇支行资金监管接口"
)


def credit_code(first17: str) -> str:
    return first17 + check_character(first17)


ARTS_SCHOOL_CODE = credit_code("91110108MA01C8PX3")
ACADEMIC_COMPANY_CODE = credit_code("91110108MA00G3N51")
SUCCESSOR_CODE = credit_code("52110108MJ0000579")

BANK_CUSTODY = {
    "mode": "bank_custody",
    "bank": "中国工商银行北京海淀支行",
    "account_no": "0200004509200123456",
    "agreement_no": "海教监〔2025〕017号",
    "reserve_fen": None,
}


def shanghai(day: str, hh_mm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hh_mm}").replace(tzinfo=SHANGHAI)


def institution(**overrides: Any) -> dict[str, Any]:
    """北京市海淀区七彩虹艺术培训学校有限公司, an offline arts school (非学科类)."""
    fields: dict[str, Any] = {
        "name": "北京市海淀区七彩虹艺术培训学校有限公司",
        "credit_code": ARTS_SCHOOL_CODE,
        "district_code": "110108",
        "address": "北京市海淀区中关村大街27号中关村大厦3层",
        "category": "non_academic",
        "subjects": ["美术", "书法"],
        "delivery": "offline",
        "legal_form": "company",
        "legal_representative": "李秀英",
        "icp_number": None,
    }
    fields.update(overrides)
    return fields


def licence(**overrides: Any) -> dict[str, Any]:
    return {
        "licence_no": "教民111010870000123号",
        "approving_authority": "北京市海淀区教育委员会",
        "valid_from": date(2025, 3, 1),
        "valid_to": date(2028, 2, 29),
        **overrides,
    }


def legitimate(services: Services, **overrides: Any) -> UUID:
    """Registered, licensed and under bank custody; its id."""
    registry = services.registry
    institution_id = registry.register_institution(HAIDIAN, **institution(**overrides)).id
    registry.issue_licence(HAIDIAN, institution_id, **licence())
    registry.establish_fund_supervision(HAIDIAN, institution_id, **BANK_CUSTODY)
    return institution_id


def terms(**overrides: Any) -> dict[str, Any]:
    """A spring course of 48 paid + 4 gift lessons at 90 yuan (domain-research.md §5.1)."""
    return {
        "pupil_ref": "pupil-2026-0417",
        "guardian_name": "王丽娟",
        "guardian_phone": "13911112222",
        "course": "少儿美术基础班（春季）",
        "paid_lessons": 48,
        "gift_lessons": 4,
        "price_per_lesson_fen": 9_000,
        "start_date": date(2026, 3, 2),
        "end_date": date(2026, 5, 31),
        **overrides,
    }


def sign(services: Services, institution_id: UUID, **overrides: Any) -> UUID:
    return services.registry.sign_contract(
        HAIDIAN_BANK, institution_id=institution_id, **terms(**overrides)
    ).id


def pay(services: Services, contract_id: UUID, amount_fen: int = 432_000) -> None:
    services.registry.record_payment(
        HAIDIAN_BANK,
        contract_id,
        amount_fen=amount_fen,
        paid_at=shanghai("2026-03-01", "10:00"),
        channel="微信支付",
        into_supervised_account=True,
        lessons_covered=48,
        covers_until=date(2026, 5, 31),
    )


def consume(services: Services, contract_id: UUID, lessons: int, **fields: Any) -> Any:
    return services.registry.record_consumption(
        HAIDIAN_BANK,
        contract_id,
        lessons=lessons,
        starts_at=shanghai("2026-03-10", "16:00"),
        ends_at=shanghai("2026-03-10", "19:00"),
        delivery="offline",
        **fields,
    )


def paid_contract(services: Services, institution_id: UUID) -> UUID:
    contract_id = sign(services, institution_id)
    pay(services, contract_id)
    return contract_id


def event_types(services: Services, contract_id: UUID) -> list[str]:
    return [e.type for e in services.registry.contract_ledger(HAIDIAN, contract_id, 0, 1000)]


def head(services: Services) -> int:
    return services.registry.recorder.max_notification_id() or 0


# -- who a contract is signed with ---------------------------------------------------------


def test_a_contract_with_an_unregistered_institution_is_refused(services: Services) -> None:
    before = head(services)

    with pytest.raises(RuleViolation) as refused:
        sign(services, uuid4())

    assert refused.value.rule == "contract.institution_known"
    assert head(services) == before


def test_a_deregistered_institution_signs_no_contracts(services: Services) -> None:
    registry = services.registry
    institution_id = legitimate(services)
    registry.revoke_licence(
        HAIDIAN,
        institution_id,
        decision_no="海教罚〔2025〕21号",
        reason="无证开展学科类培训且拒不整改",
        notice_served_on=date(2025, 6, 2),
        effective_on=date(2025, 6, 20),
    )
    registry.deregister(
        HAIDIAN, institution_id, deregistered_on=date(2025, 9, 1), reason="吊销后注销"
    )
    before = head(services)

    with pytest.raises(RuleViolation) as refused:
        sign(services, institution_id)

    assert refused.value.rule == "contract.institution_active"
    assert head(services) == before


def test_a_feed_of_another_district_may_not_report_on_an_institutions_contracts(
    services: Services,
) -> None:
    registry = services.registry
    institution_id = legitimate(services)
    contract_id = sign(services, institution_id)
    before = head(services)

    with pytest.raises(Forbidden):
        registry.sign_contract(XUHUI_BANK, institution_id=institution_id, **terms())
    with pytest.raises(Forbidden):
        registry.record_payment(
            XUHUI_BANK,
            contract_id,
            amount_fen=432_000,
            paid_at=shanghai("2026-03-01", "10:00"),
            channel="银行转账",
            into_supervised_account=True,
            lessons_covered=48,
            covers_until=None,
        )
    with pytest.raises(Forbidden):
        registry.contract(XUHUI_BANK, contract_id)

    assert head(services) == before


# -- abnormal closure (跑路) ---------------------------------------------------------------


def test_abnormal_cessation_freezes_the_open_contracts_exactly_once(services: Services) -> None:
    registry = services.registry
    institution_id = legitimate(services)
    open_contract = paid_contract(services, institution_id)
    finished = paid_contract(services, institution_id)
    consume(services, finished, 52)
    registry.complete_contract(HAIDIAN_BANK, finished, completed_on=date(2026, 3, 31))

    registry.cease_operations(
        HAIDIAN,
        institution_id,
        kind="abnormal",
        ceased_on=date(2026, 4, 8),
        reason="负责人失联，门店关闭",
    )
    assert registry.contract_freezer.run_once() == 0
    # A crash after freezing but before the position was recorded: the cessation is read again.
    with services.engine.begin() as conn:
        conn.execute(delete(process_positions))
    assert registry.contract_freezer.run_once() == 1

    assert event_types(services, open_contract).count("ContractFrozen") == 1
    assert registry.contract(HAIDIAN, open_contract)["status"] == "frozen"
    assert "ContractFrozen" not in event_types(services, finished)
    assert registry.contract(HAIDIAN, finished)["status"] == "completed"
    frozen = registry.contract_ledger(HAIDIAN, open_contract, 0, 1000)[-1]
    assert frozen.actor["role"] == "system"
    assert frozen.data["frozen_on"] == "2026-04-08"
    with pytest.raises(RuleViolation) as refused:
        registry.release_escrow(HAIDIAN_BANK, open_contract, amount_fen=100)
    assert refused.value.rule == "escrow.release_blocked"


def test_voluntary_cessation_does_not_freeze_the_contracts(services: Services) -> None:
    registry = services.registry
    institution_id = legitimate(services)
    contract_id = paid_contract(services, institution_id)

    registry.cease_operations(
        HAIDIAN,
        institution_id,
        kind="voluntary",
        ceased_on=date(2026, 4, 8),
        reason="经营困难，主动停办，已公告退费安排",
    )
    registry.contract_freezer.run_once()

    assert "ContractFrozen" not in event_types(services, contract_id)
    assert registry.contract(HAIDIAN, contract_id)["status"] == "active"


# -- conversion (营转非) -------------------------------------------------------------------


def converting_with_a_contract(services: Services) -> tuple[UUID, UUID, UUID]:
    """A for-profit academic company licensed in 2019 (before 双减) with a paid contract of 20
    lessons taught, now converting; and its licensed, supervised non-profit successor.

    Answers (predecessor, successor, contract).
    """
    registry = services.registry
    predecessor = registry.register_institution(
        HAIDIAN,
        **institution(
            name="北京智学优课教育科技有限公司",
            credit_code=ACADEMIC_COMPANY_CODE,
            category="academic",
            subjects=["数学", "英语"],
            legal_representative="陈建国",
        ),
    ).id
    registry.issue_licence(
        HAIDIAN,
        predecessor,
        **licence(
            licence_no="教民111010870000045号",
            valid_from=date(2019, 9, 1),
            valid_to=date(2027, 8, 31),
        ),
    )
    registry.establish_fund_supervision(HAIDIAN, predecessor, **BANK_CUSTODY)
    contract_id = paid_contract(services, predecessor)
    consume(services, contract_id, 20)
    registry.start_conversion(
        HAIDIAN,
        predecessor,
        started_on=date(2026, 4, 1),
        planned_successor_name="北京市海淀区智学培训学校",
    )
    successor = registry.register_institution(
        HAIDIAN,
        **institution(
            name="北京市海淀区智学培训学校",
            credit_code=SUCCESSOR_CODE,
            category="academic",
            subjects=["数学", "英语"],
            legal_form="non_profit",
            legal_representative="陈建国",
            successor_of=predecessor,
        ),
    ).id
    registry.issue_licence(HAIDIAN, successor, **licence(licence_no="教民111010870000588号"))
    registry.establish_fund_supervision(
        HAIDIAN, successor, **{**BANK_CUSTODY, "account_no": "0200004509200765432"}
    )
    return predecessor, successor, contract_id


def complete_conversion(services: Services, predecessor: UUID, successor: UUID) -> None:
    services.registry.complete_conversion(
        HAIDIAN, predecessor, successor_id=successor, completed_on=date(2026, 6, 30)
    )


def test_conversion_completes_only_once_the_open_contracts_pass_to_the_successor(
    services: Services,
) -> None:
    registry = services.registry
    predecessor, successor, contract_id = converting_with_a_contract(services)

    with pytest.raises(RuleViolation) as refused:
        complete_conversion(services, predecessor, successor)
    assert refused.value.rule == "conversion.open_liabilities"
    assert registry.open_contract_count(predecessor) == 1

    registry.transfer_contract(
        HAIDIAN, contract_id, successor_id=successor, transferred_on=date(2026, 6, 15)
    )
    complete_conversion(services, predecessor, successor)

    assert registry.institution(HAIDIAN, predecessor)["status"] == "converted"
    assert registry.open_contract_count(predecessor) == 0
    assert registry.open_contract_count(successor) == 1
    view = registry.contract(HAIDIAN, contract_id)
    assert view["institution_id"] == str(successor)
    assert view["unconsumed_fen"] == 265_846
    assert event_types(services, contract_id)[-1] == "PrepaidLiabilitiesTransferred"


def test_contracts_pass_only_to_the_registered_successor_of_a_converting_institution(
    services: Services,
) -> None:
    registry = services.registry
    arts_school = legitimate(services)
    contract_id = paid_contract(services, arts_school)
    _, successor, _ = converting_with_a_contract(services)
    before = head(services)

    with pytest.raises(RuleViolation) as refused:
        registry.transfer_contract(
            HAIDIAN, contract_id, successor_id=successor, transferred_on=date(2026, 6, 15)
        )

    assert refused.value.rule == "contract.transfer"
    assert head(services) == before
    assert registry.contract(HAIDIAN, contract_id)["institution_id"] == str(arts_school)


def test_a_terminated_contract_still_owing_its_family_holds_up_the_conversion(
    services: Services,
) -> None:
    # 家长申请退课: the contract ends early, 2,658.46 yuan stay owed until they are refunded.
    registry = services.registry
    predecessor, successor, contract_id = converting_with_a_contract(services)
    registry.terminate_contract(
        HAIDIAN_BANK,
        contract_id,
        by="guardian",
        reason="家长申请退课",
        terminated_on=date(2026, 6, 1),
    )
    assert registry.contract(HAIDIAN, contract_id)["unconsumed_fen"] == 265_846

    with pytest.raises(RuleViolation) as refused:
        complete_conversion(services, predecessor, successor)
    assert refused.value.rule == "conversion.open_liabilities"

    registry.record_refund(
        HAIDIAN_BANK, contract_id, amount_fen=265_846, paid_at=shanghai("2026-06-05", "11:00")
    )
    complete_conversion(services, predecessor, successor)
    assert registry.institution(HAIDIAN, predecessor)["status"] == "converted"


def test_a_contract_refunded_in_full_no_longer_counts_as_open(services: Services) -> None:
    registry = services.registry
    institution_id = legitimate(services)
    contract_id = paid_contract(services, institution_id)
    consume(services, contract_id, 20)
    assert registry.open_contract_count(institution_id) == 1

    registry.record_refund(
        HAIDIAN_BANK, contract_id, amount_fen=265_846, paid_at=shanghai("2026-04-02", "11:00")
    )

    assert registry.contract(HAIDIAN, contract_id)["unconsumed_fen"] == 0
    assert registry.open_contract_count(institution_id) == 0


# -- concurrent reports on one contract ----------------------------------------------------


def race(reports: int, attempt: Any) -> list[Any]:
    """Run ``attempt()`` in ``reports`` threads released at the same instant; their outcomes."""
    start = threading.Barrier(reports)
    outcomes: list[Any] = [None] * reports

    def run(n: int) -> None:
        start.wait()
        try:
            outcomes[n] = attempt()
        except Exception as error:  # every outcome is judged by the test
            outcomes[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(reports)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_concurrent_lesson_reports_on_the_version_they_read_are_recorded_at_most_once(
    services: Services,
) -> None:
    registry = services.registry
    contract_id = sign(services, legitimate(services), paid_lessons=50, gift_lessons=0)
    version = registry.contract(HAIDIAN, contract_id)["version"]

    outcomes = race(8, lambda: consume(services, contract_id, 10, expected_version=version))

    accepted = [o for o in outcomes if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, Conflict) for o in losers), losers
    consumed = registry.contract(HAIDIAN, contract_id)["consumed_lessons"]
    assert len(accepted) == 1
    assert len(accepted) * 10 == consumed


def test_concurrent_lesson_reports_never_consume_more_than_was_bought(services: Services) -> None:
    registry = services.registry
    contract_id = sign(services, legitimate(services), paid_lessons=50, gift_lessons=0)

    outcomes = race(8, lambda: consume(services, contract_id, 10))

    accepted = [o for o in outcomes if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    for loser in losers:
        assert isinstance(loser, Conflict) or (
            isinstance(loser, RuleViolation) and loser.rule == "lessons.within_purchase"
        ), repr(loser)
    consumed = registry.contract(HAIDIAN, contract_id)["consumed_lessons"]
    assert 1 <= len(accepted) <= 5
    assert len(accepted) * 10 == consumed <= 50
    assert event_types(services, contract_id).count("LessonsConsumed") == len(accepted)


def test_feeds_retrying_after_a_conflict_consume_exactly_what_was_bought(
    services: Services,
) -> None:
    registry = services.registry
    contract_id = sign(services, legitimate(services), paid_lessons=50, gift_lessons=0)

    def report_until_judged() -> str:
        while True:
            try:
                consume(services, contract_id, 10)
            except Conflict:
                continue  # another report got there first: read again and retry
            except RuleViolation as refused:
                return refused.rule
            return "accepted"

    outcomes = race(8, report_until_judged)

    assert sorted(outcomes) == ["accepted"] * 5 + ["lessons.within_purchase"] * 3
    assert registry.contract(HAIDIAN, contract_id)["consumed_lessons"] == 50


def test_contracts_signed_at_the_same_moment_all_join_the_institutions_roster(
    services: Services,
) -> None:
    # The roster is how an abnormal closure finds the contracts to freeze: none may be missed.
    registry = services.registry
    institution_id = legitimate(services)

    outcomes = race(
        8, lambda: registry.sign_contract(HAIDIAN_BANK, institution_id=institution_id, **terms())
    )

    signed = [o.id for o in outcomes if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, Conflict) for o in losers), losers
    assert signed
    assert sorted(registry.roster(institution_id).contract_ids) == sorted(signed)
