"""The projector applies every event of the log to every read model exactly once, in order.

Views built event by event, views rebuilt from scratch, views built by two projectors racing
each other and views rebuilt after a projection's code changed are all the same rows. A
projection that cannot apply an event stops the projector at that event, says which, and
resumes there once fixed. SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import Engine, func, select

from bench.generate import generate
from registry.bootstrap import Services, build_services
from registry.domain.clock import SHANGHAI, today
from registry.domain.principal import Principal
from registry.domain.uscc import check_character
from registry.projections.base import ProjectionFailed, metadata, projection_positions
from registry.projections.projector import ConcurrentProjector, event_type
from registry.projections.public_register import PublicRegister
from registry.projections.refund_tracking import contracts as rt_contracts
from registry.runner import ProjectorRunner
from registry.settings import Settings

ADMIN = Principal(id="key-admin", role="admin", name="市教委信息中心")

Rows = dict[str, list[dict[str, Any]]]

# The tables the district year below fills; a comparison of empty tables proves nothing.
FILLED_BY_THE_YEAR = (
    "pub_institutions",
    "pub_institution_versions",
    "pub_blacklist",
    "rt_contracts",
    "stream_districts",
    "rc_cases",
)


# -- reading the views -----------------------------------------------------------------------


def view_rows(engine: Engine) -> Rows:
    """Every row of every projection table (not the positions), sorted by primary key."""
    rows: Rows = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table is projection_positions:
                continue
            order = list(table.primary_key.columns)
            found = conn.execute(select(table).order_by(*order)).mappings()
            rows[table.name] = [dict(r) for r in found]
    return rows


def first_difference(built: Rows, rebuilt: Rows) -> str | None:
    """Where two sets of view rows first differ, in a line a reader can act on."""
    for name in sorted(set(built) | set(rebuilt)):
        a, b = built.get(name, []), rebuilt.get(name, [])
        if len(a) != len(b):
            return f"{name}: {len(a)} rows built, {len(b)} rebuilt"
        for row_a, row_b in zip(a, b, strict=True):
            if row_a != row_b:
                return f"{name}: built {row_a!r} but rebuilt {row_b!r}"
    return None


def head(services: Services) -> int:
    return services.registry.recorder.max_notification_id() or 0


def assert_same_rows_as_a_clean_rebuild(services: Services) -> Rows:
    """The views as they are equal, row for row, the views replayed from an empty start (in
    batches of another size than the ones they were built in)."""
    built = view_rows(services.engine)
    services.projector.batch_size = 10_000
    services.projector.rebuild()
    rebuilt = view_rows(services.engine)
    assert first_difference(built, rebuilt) is None, first_difference(built, rebuilt)
    assert set(services.projector.positions().values()) == {head(services)}
    return rebuilt


def positions_of(services: Services, kind: str) -> list[int]:
    """The log positions of every event of type ``kind``."""
    found, start = [], 1
    while batch := services.registry.recorder.select_notifications(start=start, limit=1000):
        found += [n.id for n in batch if event_type(n.topic) == kind]
        start = batch[-1].id + 1
    return found


# -- a district's year, command by command ----------------------------------------------------


def credit_code(first17: str) -> str:
    return first17 + check_character(first17)


def school(name: str, code: str, district: str, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": name,
        "credit_code": code,
        "district_code": district,
        "address": "中关村大街27号3层",
        "category": "non_academic",
        "subjects": ["美术", "书法"],
        "delivery": "offline",
        "legal_form": "company",
        "legal_representative": "李秀英",
        "icp_number": None,
    }
    fields.update(overrides)
    return fields


def at(day: str, hh_mm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hh_mm}").replace(tzinfo=SHANGHAI)


LICENCE = {
    "approving_authority": "北京市海淀区教育委员会",
    "valid_from": date(2025, 3, 1),
    "valid_to": date(2028, 2, 29),
}


def bank_custody(account_no: str) -> dict[str, Any]:
    return {
        "mode": "bank_custody",
        "bank": "中国工商银行北京海淀支行",
        "account_no": account_no,
        "agreement_no": f"海教监〔2025〕{account_no[-3:]}号",
        "reserve_fen": None,
    }


def contract_terms(pupil: str, paid: int = 40, gift: int = 4) -> dict[str, Any]:
    return {
        "pupil_ref": pupil,
        "guardian_name": "王丽娟",
        "guardian_phone": "13911112222",
        "course": "少儿美术基础班（春季）",
        "paid_lessons": paid,
        "gift_lessons": gift,
        "price_per_lesson_fen": 10_000,
        "start_date": date(2026, 3, 2),
        "end_date": date(2026, 5, 31),
    }


def payment(lessons: int = 40) -> dict[str, Any]:
    return {
        "amount_fen": lessons * 10_000,
        "paid_at": at("2026-03-01", "10:00"),
        "channel": "微信支付",
        "into_supervised_account": True,
        "lessons_covered": lessons,
        "covers_until": date(2026, 5, 31),
    }


def lessons(n: int, day: str = "2026-03-10") -> dict[str, Any]:
    return {
        "lessons": n,
        "starts_at": at(day, "16:00"),
        "ends_at": at(day, "17:30"),
        "delivery": "offline",
    }


def district_year(services: Services) -> Iterator[Callable[[], Any]]:
    """Commands of two districts' bureaus, feeds and a court, one at a time.

    Touches every table of every projection: licences, supervision, suspension and its lifting,
    penalties, the blacklist (on and off), revocation and deregistration, an abnormal closure
    that freezes contracts, a conversion whose contracts pass to the successor, payments,
    lessons, releases, refunds, a completed and a terminated contract, a settled refund case.
    """
    r = services.registry
    ids: dict[str, UUID] = {}

    def register(key: str, fields: dict[str, Any]) -> None:
        ids[key] = r.register_institution(ADMIN, **fields).id

    def sign(key: str, institution: str, **terms: Any) -> None:
        ids[key] = r.sign_contract(ADMIN, institution_id=ids[institution], **terms).id

    # 海淀: an arts school that is suspended, fined and blacklisted on and off.
    yield lambda: register(
        "arts", school("北京七彩虹艺术培训学校有限公司", credit_code("91110108MA01C8PX3"), "110108")
    )
    yield lambda: r.issue_licence(ADMIN, ids["arts"], licence_no="教民1101087001号", **LICENCE)
    yield lambda: r.establish_fund_supervision(ADMIN, ids["arts"], **bank_custody("0200001001"))
    for k in range(4):
        yield lambda k=k: sign(f"arts-{k}", "arts", **contract_terms(f"pupil-hd-{k:03d}"))
        yield lambda k=k: r.record_payment(ADMIN, ids[f"arts-{k}"], **payment())
        yield lambda k=k: r.record_consumption(ADMIN, ids[f"arts-{k}"], **lessons(4 + 2 * k))
    yield lambda: r.release_escrow(ADMIN, ids["arts-0"], amount_fen=30_000)
    yield lambda: r.record_refund(
        ADMIN, ids["arts-1"], amount_fen=50_000, paid_at=at("2026-03-20", "09:00")
    )
    yield lambda: r.record_consumption(ADMIN, ids["arts-2"], **lessons(36, "2026-03-17"))
    yield lambda: r.complete_contract(ADMIN, ids["arts-2"], completed_on=date(2026, 3, 18))
    yield lambda: r.terminate_contract(
        ADMIN, ids["arts-3"], by="guardian", reason="搬家", terminated_on=date(2026, 3, 21)
    )
    yield lambda: r.suspend_enrolment(
        ADMIN,
        ids["arts"],
        decision_no="海教罚决字〔2026〕第017号",
        reason="一次性收取超过三个月的培训费用",
        effective_from=date(2026, 3, 22),
    )
    yield lambda: r.impose_penalty(
        ADMIN,
        ids["arts"],
        decision_no="海教罚决字〔2026〕第018号",
        kinds=["warning", "fine"],
        fine_fen=5_000_000,
        illegal_gains_fen=1_280_000,
        decided_on=date(2026, 3, 23),
    )
    yield lambda: r.lift_suspension(
        ADMIN, ids["arts"], decision_no="海教决字〔2026〕第021号", lifted_on=today()
    )
    yield lambda: r.renew_licence(ADMIN, ids["arts"], valid_to=date(2030, 2, 28))
    yield lambda: r.blacklist(
        ADMIN,
        ids["arts"],
        reasons=["拒不退还学员预收费"],
        decision_no="海教黑字〔2026〕第003号",
        listed_on=date(2026, 4, 1),
    )
    yield lambda: r.remove_from_blacklist(
        ADMIN, ids["arts"], decision_no="海教黑移字〔2026〕第001号", removed_on=date(2026, 4, 9)
    )

    # A family's refund dispute with the arts school, settled by mediation and paid.
    def open_case() -> None:
        ids["case"] = r.open_refund_case(
            ADMIN,
            institution_id=ids["arts"],
            contract_ids=[ids["arts-0"]],
            claimant_name="王丽娟",
            claimant_phone="13911112222",
            source="complaint",
            claim_fen=300_000,
        ).id

    yield open_case
    yield lambda: r.assess_refund_case(ADMIN, ids["case"])
    yield lambda: r.record_mediation(
        ADMIN, ids["case"], outcome="agreed", agreed_fen=200_000, held_on=date(2026, 4, 10)
    )
    yield lambda: r.pay_refund(
        ADMIN, ids["case"], amount_fen=200_000, paid_on=date(2026, 4, 12), source="监管账户"
    )
    yield lambda: r.close_refund_case(ADMIN, ids["case"], outcome="paid_in_full")

    # 海淀: a sports school revoked and deregistered.
    yield lambda: register(
        "sports", school("北京启航体育培训有限公司", credit_code("91110108MA01D2QT5"), "110108")
    )
    yield lambda: r.issue_licence(ADMIN, ids["sports"], licence_no="教民1101087002号", **LICENCE)
    yield lambda: r.revoke_licence(
        ADMIN,
        ids["sports"],
        decision_no="海教罚决字〔2026〕第031号",
        reason="擅自开展学科类培训",
        notice_served_on=date(2026, 4, 1),
        effective_on=date(2026, 4, 16),
    )
    yield lambda: r.deregister(
        ADMIN, ids["sports"], deregistered_on=date(2026, 5, 1), reason="许可证已被吊销"
    )

    # 徐汇: a dance school that closes its doors overnight (跑路) and is blacklisted.
    yield lambda: register(
        "dance",
        school("上海徐汇舞蹈培训有限公司", credit_code("91310104MA1FR5KQ0"), "310104"),
    )
    yield lambda: r.issue_licence(ADMIN, ids["dance"], licence_no="沪教民3101047001号", **LICENCE)
    yield lambda: r.establish_fund_supervision(ADMIN, ids["dance"], **bank_custody("0300002002"))
    for k in range(3):
        yield lambda k=k: sign(f"dance-{k}", "dance", **contract_terms(f"pupil-xh-{k:03d}"))
        yield lambda k=k: r.record_payment(ADMIN, ids[f"dance-{k}"], **payment())
    yield lambda: r.cease_operations(
        ADMIN, ids["dance"], kind="abnormal", ceased_on=date(2026, 4, 20), reason="人去楼空"
    )
    yield lambda: r.blacklist(
        ADMIN,
        ids["dance"],
        reasons=["停业后拒不退还学员预收费，卷款跑路"],
        decision_no="徐教黑字〔2026〕第001号",
        listed_on=date(2026, 4, 22),
    )

    # 海淀: an academic company licensed before 双减 converts to a non-profit (营转非).
    yield lambda: register(
        "academic",
        school(
            "北京学霸教育科技有限公司",
            credit_code("91110108MA00G3N51"),
            "110108",
            category="academic",
            subjects=["数学", "英语"],
        ),
    )
    yield lambda: r.issue_licence(
        ADMIN,
        ids["academic"],
        licence_no="教民1101087000号",
        approving_authority="北京市海淀区教育委员会",
        valid_from=date(2019, 9, 1),
        valid_to=date(2027, 8, 31),
    )
    yield lambda: sign("academic-0", "academic", **contract_terms("pupil-hd-900", gift=0))
    yield lambda: r.record_payment(ADMIN, ids["academic-0"], **payment())
    yield lambda: r.start_conversion(
        ADMIN,
        ids["academic"],
        started_on=date(2026, 4, 1),
        planned_successor_name="北京市海淀区启明学科培训学校",
    )
    yield lambda: register(
        "successor",
        school(
            "北京市海淀区启明学科培训学校",
            credit_code("52110108MJ0000579"),
            "110108",
            category="academic",
            subjects=["数学", "英语"],
            legal_form="non_profit",
            successor_of=ids["academic"],
        ),
    )
    yield lambda: r.issue_licence(ADMIN, ids["successor"], licence_no="教民1101088000号", **LICENCE)
    yield lambda: r.establish_fund_supervision(
        ADMIN, ids["successor"], **bank_custody("0200003003")
    )
    yield lambda: r.transfer_contract(
        ADMIN, ids["academic-0"], successor_id=ids["successor"], transferred_on=date(2026, 5, 1)
    )
    yield lambda: r.record_consumption(ADMIN, ids["academic-0"], **lessons(2, "2026-05-06"))
    yield lambda: r.complete_conversion(
        ADMIN, ids["academic"], successor_id=ids["successor"], completed_on=date(2026, 5, 10)
    )


# -- the tests -------------------------------------------------------------------------------


def test_views_built_a_few_commands_at_a_time_equal_a_clean_rebuild(services: Services) -> None:
    services.projector.batch_size = 7
    for n, command in enumerate(district_year(services), start=1):
        command()
        if n % 3 == 0:
            services.projector.run_once()
    services.projector.run_once()
    assert services.projector.run_once() == 0, "a caught-up projector reads nothing more"

    rebuilt = assert_same_rows_as_a_clean_rebuild(services)

    empty = [name for name in FILLED_BY_THE_YEAR if not rebuilt[name]]
    assert empty == [], "the district's year should leave rows in every view"


# About 800 events read in batches of 50: the failing event sits in the middle of a batch
# well into the log.
BATCH = 50


@pytest.fixture
def broken_ledger(services: Services, monkeypatch: pytest.MonkeyPatch) -> int:
    """Refund tracking cannot apply one LessonsConsumed in the middle of the fifth batch;
    answers that event's position."""
    generate(services.registry, 800, seed=11)
    services.projector.batch_size = BATCH
    failing = next(p for p in positions_of(services, "LessonsConsumed") if p > 4 * BATCH + 10)
    ledger = services.projector.projections["refund_tracking"]
    handle = ledger.handle

    def broken(fact: Any) -> None:
        if fact.position == failing:
            raise ValueError("the ledger cannot take these lessons")
        handle(fact)

    monkeypatch.setattr(ledger, "handle", broken)
    return failing


def test_a_handler_error_stops_the_projector_at_that_event_and_names_it(
    services: Services, broken_ledger: int
) -> None:
    batch_start = (broken_ledger - 1) // BATCH * BATCH

    with pytest.raises(ProjectionFailed) as failed:
        services.projector.run_once()

    assert failed.value.projection == "refund_tracking"
    assert failed.value.fact is not None and failed.value.fact.position == broken_ledger
    assert f"LessonsConsumed at position {broken_ledger}" in str(failed.value)
    assert services.projector.positions()["refund_tracking"] == batch_start
    with services.engine.connect() as conn:
        latest = conn.execute(select(func.max(rt_contracts.c.position))).scalar()
    assert latest is not None and latest <= batch_start, "no row of the failed batch is kept"
    # It never skips the event: a second run stops at the same event, in the same place.
    with pytest.raises(ProjectionFailed) as again:
        services.projector.run_once()
    assert again.value.fact is not None and again.value.fact.position == broken_ledger
    assert services.projector.positions()["refund_tracking"] == batch_start


def test_a_projector_restarted_after_the_fix_resumes_at_the_failed_event(
    services: Services, broken_ledger: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ProjectionFailed):
        services.projector.run_once()
    stopped_at = services.projector.positions()["refund_tracking"]

    monkeypatch.undo()  # the fix is deployed
    read = services.projector.run_once()

    assert read == head(services) - stopped_at, "it resumes where it stopped, not from the start"
    assert set(services.projector.positions().values()) == {head(services)}
    assert_same_rows_as_a_clean_rebuild(services)


def test_a_projection_whose_version_changed_rebuilds_itself(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    for command in district_year(services):
        command()
    services.projector.run_once()
    public_tables = [t.name for t in PublicRegister.tables]
    before = view_rows(services.engine)

    monkeypatch.setattr(PublicRegister, "version", PublicRegister.version + 1)

    assert services.projector.setup() == ["public_register"]
    positions = services.projector.positions()
    assert positions.pop("public_register") == 0
    assert set(positions.values()) == {head(services)}, "the other views are left as they are"
    emptied = view_rows(services.engine)
    assert all(emptied[name] == [] for name in public_tables)

    services.projector.run_once()

    assert view_rows(services.engine) == before
    assert services.projector.setup() == [], "the new version is recorded: no second rebuild"


def overlap_the_first_batch(*projectors: Services) -> None:
    """Make the public register of each projector read the first batch before any of them
    writes it, so they race for the same batch instead of happening to take turns."""
    everyone = threading.Barrier(len(projectors))
    for services in projectors:
        projection = services.projector.projections["public_register"]
        load, first = projection.load, [True]

        def racing_load(conn: Any, facts: Any, load: Any = load, first: list[bool] = first) -> None:
            load(conn, facts)
            if first[0]:
                first[0] = False
                try:
                    everyone.wait(timeout=1.0)
                except threading.BrokenBarrierError:  # a projector that waits its turn first
                    pass

        projection.load = racing_load  # type: ignore[method-assign]


def test_two_projectors_on_one_database_never_apply_a_batch_twice(
    settings: Settings, services: Services
) -> None:
    generate(services.registry, 1_000, seed=5)
    other = build_services(settings)
    try:
        projectors = [services, other]
        for p in projectors:
            p.projector.batch_size = 200
        overlap_the_first_batch(*projectors)
        errors: list[BaseException] = []

        def project(p: Services) -> None:
            for _attempt in range(100):
                try:
                    p.projector.run_once()
                    return
                except ConcurrentProjector:  # the other one applied this batch first: go on
                    continue
                except Exception as e:
                    errors.append(e)
                    return

        threads = [threading.Thread(target=project, args=(p,)) for p in projectors]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)

        assert errors == [], "the projector that lost the race must answer ConcurrentProjector"
        assert set(services.projector.positions().values()) == {head(services)}
        assert_same_rows_as_a_clean_rebuild(services)
    finally:
        other.close()


def test_a_projector_runner_that_loses_a_batch_to_another_keeps_running(
    settings: Settings, services: Services
) -> None:
    generate(services.registry, 600, seed=5)
    other = build_services(settings)
    runners = [ProjectorRunner(services, poll=0.02), ProjectorRunner(other, poll=0.02)]
    try:
        for p in (services, other):
            p.projector.batch_size = 200
        overlap_the_first_batch(services, other)
        for runner in runners:
            runner.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and set(services.projector.positions().values()) != {
            head(services)
        }:
            time.sleep(0.05)

        assert [runner.error for runner in runners] == [None, None]
        assert all(runner.alive for runner in runners), "a lost race is no reason to stop"
    finally:
        for runner in runners:
            runner.stop()
        other.close()
    assert_same_rows_as_a_clean_rebuild(services)
