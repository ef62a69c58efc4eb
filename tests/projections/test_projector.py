"""The projector applies every event of the log to every read model exactly once, in order.

A district's year of commands, applied a few at a time, leaves the same rows as a clean rebuild;
a projection whose code changed rebuilds itself and ends with the rows it had. How the projector
stops on a failing event and races another projector is in ``test_projector_failures``.
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest

from registry.bootstrap import Services
from registry.domain.clock import SHANGHAI, today
from registry.domain.commands import Command, cases, contracts, institutions
from registry.domain.principal import Principal
from registry.domain.uscc import check_character
from registry.projections.public_register import PublicRegister

if TYPE_CHECKING:
    from conftest import Replay

ADMIN = Principal(id="key-admin", role="admin", name="市教委信息中心")

# The tables the district year below fills; a comparison of empty tables proves nothing.
FILLED_BY_THE_YEAR = (
    "pub_institutions",
    "pub_institution_versions",
    "pub_blacklist",
    "rt_contracts",
    "stream_districts",
    "rc_cases",
)
# Fields that name a record of the year by its key ("arts", "arts-0", "case").
ID_FIELDS = ("institution_id", "contract_id", "case_id", "successor_id", "successor_of")


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
        "registered_on": date(2019, 6, 3),
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
        "established_on": date(2025, 3, 1),
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


Step = Callable[[], None]


def district_year(services: Services) -> Iterator[Step]:
    """Commands of two districts' bureaus, feeds and a court, one at a time.

    Touches every table of every projection: licences, supervision, suspension and its lifting,
    penalties, the blacklist (on and off), revocation and deregistration, an abnormal closure
    that freezes contracts, a conversion whose contracts pass to the successor, payments,
    lessons, releases, refunds, a completed and a terminated contract, a settled refund case.
    """
    ids: dict[str, UUID] = {}

    def do(command: type[Command], key: str | None = None, **fields: Any) -> Step:
        """A step: ``command`` of ``fields`` whose id fields name records by key, resolved when
        the step runs; the id of the record it creates is kept under ``key``."""

        def step() -> None:
            for name in ID_FIELDS:
                if isinstance(fields.get(name), str):
                    fields[name] = ids[fields[name]]
            if "contract_ids" in fields:
                fields["contract_ids"] = [ids[c] for c in fields["contract_ids"]]
            made = services.registry.execute(ADMIN, command(**fields))
            if key is not None:
                ids[key] = made.id

        return step

    def licence(key: str, licence_no: str) -> Step:
        return do(institutions.IssueLicence, institution_id=key, licence_no=licence_no, **LICENCE)

    def supervision(key: str, account_no: str) -> Step:
        return do(
            institutions.EstablishFundSupervision, institution_id=key, **bank_custody(account_no)
        )

    # 海淀: an arts school that is suspended, fined and blacklisted on and off.
    arts = school("北京七彩虹艺术培训学校有限公司", credit_code("91110108MA01C8PX3"), "110108")
    yield do(institutions.RegisterInstitution, "arts", **arts)
    yield licence("arts", "教民1101087001号")
    yield supervision("arts", "0200001001")
    for k in range(4):
        terms = contract_terms(f"pupil-hd-{k:03d}")
        yield do(contracts.SignContract, f"arts-{k}", institution_id="arts", **terms)
        yield do(contracts.RecordPayment, contract_id=f"arts-{k}", **payment())
        yield do(contracts.RecordConsumption, contract_id=f"arts-{k}", **lessons(4 + 2 * k))
    yield do(contracts.ReleaseEscrow, contract_id="arts-0", amount_fen=30_000)
    refunded_at = at("2026-03-20", "09:00")
    yield do(contracts.RecordRefund, contract_id="arts-1", amount_fen=50_000, paid_at=refunded_at)
    yield do(contracts.RecordConsumption, contract_id="arts-2", **lessons(36, "2026-03-17"))
    yield do(contracts.CompleteContract, contract_id="arts-2", completed_on=date(2026, 3, 18))
    yield do(
        contracts.TerminateContract,
        contract_id="arts-3",
        by="guardian",
        reason="搬家",
        terminated_on=date(2026, 3, 21),
    )
    yield do(
        institutions.SuspendEnrolment,
        institution_id="arts",
        decision_no="海教罚决字〔2026〕第017号",
        reason="一次性收取超过三个月的培训费用",
        effective_from=date(2026, 3, 22),
    )
    yield do(
        institutions.ImposePenalty,
        institution_id="arts",
        decision_no="海教罚决字〔2026〕第018号",
        kinds=["warning", "fine"],
        fine_fen=5_000_000,
        illegal_gains_fen=1_280_000,
        decided_on=date(2026, 3, 23),
    )
    yield do(
        institutions.LiftSuspension,
        institution_id="arts",
        decision_no="海教决字〔2026〕第021号",
        lifted_on=today(),
    )
    yield do(institutions.RenewLicence, institution_id="arts", valid_to=date(2030, 2, 28))
    yield do(
        institutions.Blacklist,
        institution_id="arts",
        reasons=["拒不退还学员预收费"],
        decision_no="海教黑字〔2026〕第003号",
        listed_on=date(2026, 4, 1),
    )
    yield do(
        institutions.RemoveFromBlacklist,
        institution_id="arts",
        decision_no="海教黑移字〔2026〕第001号",
        removed_on=date(2026, 4, 9),
    )

    # A family's refund dispute with the arts school, settled by mediation and paid.
    yield do(
        cases.OpenRefundCase,
        "case",
        institution_id="arts",
        contract_ids=["arts-0"],
        claimant_name="王丽娟",
        claimant_phone="13911112222",
        source="complaint",
        claim_fen=300_000,
    )
    yield do(cases.AssessRefundCase, case_id="case")
    yield do(
        cases.RecordMediation,
        case_id="case",
        outcome="agreed",
        agreed_fen=200_000,
        held_on=date(2026, 4, 10),
    )
    yield do(
        cases.PayRefund,
        case_id="case",
        amount_fen=200_000,
        paid_on=date(2026, 4, 12),
        source="supervised_account",
    )
    yield do(cases.CloseRefundCase, case_id="case", outcome="paid")

    # 海淀: a sports school revoked and deregistered.
    sports = school("北京启航体育培训有限公司", credit_code("91110108MA01D2QT5"), "110108")
    yield do(institutions.RegisterInstitution, "sports", **sports)
    yield licence("sports", "教民1101087002号")
    yield do(
        institutions.RevokeLicence,
        institution_id="sports",
        decision_no="海教罚决字〔2026〕第031号",
        reason="擅自开展学科类培训",
        notice_served_on=date(2026, 4, 1),
        effective_on=date(2026, 4, 16),
    )
    yield do(
        institutions.Deregister,
        institution_id="sports",
        deregistered_on=date(2026, 5, 1),
        reason="许可证已被吊销",
    )

    # 徐汇: a dance school that closes its doors overnight (跑路) and is blacklisted.
    dance = school("上海徐汇舞蹈培训有限公司", credit_code("91310104MA1FR5KQ0"), "310104")
    yield do(institutions.RegisterInstitution, "dance", **dance)
    yield licence("dance", "沪教民3101047001号")
    yield supervision("dance", "0300002002")
    for k in range(3):
        terms = contract_terms(f"pupil-xh-{k:03d}")
        yield do(contracts.SignContract, f"dance-{k}", institution_id="dance", **terms)
        yield do(contracts.RecordPayment, contract_id=f"dance-{k}", **payment())
    yield do(
        institutions.CeaseOperations,
        institution_id="dance",
        kind="abnormal",
        ceased_on=date(2026, 4, 20),
        reason="人去楼空",
    )
    yield do(
        institutions.Blacklist,
        institution_id="dance",
        reasons=["停业后拒不退还学员预收费，卷款跑路"],
        decision_no="徐教黑字〔2026〕第001号",
        listed_on=date(2026, 4, 22),
    )

    # 海淀: an academic company licensed before 双减 converts to a non-profit (营转非).
    academic = school(
        "北京学霸教育科技有限公司",
        credit_code("91110108MA00G3N51"),
        "110108",
        category="academic",
        subjects=["数学", "英语"],
    )
    yield do(institutions.RegisterInstitution, "academic", **academic)
    yield do(
        institutions.IssueLicence,
        institution_id="academic",
        licence_no="教民1101087000号",
        approving_authority="北京市海淀区教育委员会",
        valid_from=date(2019, 9, 1),
        valid_to=date(2027, 8, 31),
    )
    terms = contract_terms("pupil-hd-900", gift=0)
    yield do(contracts.SignContract, "academic-0", institution_id="academic", **terms)
    yield do(contracts.RecordPayment, contract_id="academic-0", **payment())
    yield do(
        institutions.StartConversion,
        institution_id="academic",
        started_on=date(2026, 4, 1),
        planned_successor_name="北京市海淀区启明学科培训学校",
    )
    successor = school(
        "北京市海淀区启明学科培训学校",
        credit_code("52110108MJ0000579"),
        "110108",
        category="academic",
        subjects=["数学", "英语"],
        legal_form="non_profit",
        successor_of="academic",
    )
    yield do(institutions.RegisterInstitution, "successor", **successor)
    yield licence("successor", "教民1101088000号")
    yield supervision("successor", "0200003003")
    yield do(
        contracts.TransferContract,
        contract_id="academic-0",
        successor_id="successor",
        transferred_on=date(2026, 5, 1),
    )
    yield do(contracts.RecordConsumption, contract_id="academic-0", **lessons(2, "2026-05-06"))
    yield do(
        institutions.CompleteConversion,
        institution_id="academic",
        successor_id="successor",
        completed_on=date(2026, 5, 10),
    )


# -- the tests -------------------------------------------------------------------------------


def test_views_built_a_few_commands_at_a_time_equal_a_clean_rebuild(
    services: Services, replay: Replay
) -> None:
    services.projector.batch_size = 7
    for n, command in enumerate(district_year(services), start=1):
        command()
        if n % 3 == 0:
            services.projector.run_once()
    services.projector.run_once()
    assert services.projector.run_once() == 0, "a caught-up projector reads nothing more"

    rebuilt = replay.assert_same_rows_as_a_clean_rebuild()

    empty = [name for name in FILLED_BY_THE_YEAR if not rebuilt[name]]
    assert empty == [], "the district's year should leave rows in every view"


def test_a_projection_whose_version_changed_rebuilds_itself(
    services: Services, replay: Replay, monkeypatch: pytest.MonkeyPatch
) -> None:
    for command in district_year(services):
        command()
    services.projector.run_once()
    public_tables = [t.name for t in PublicRegister.tables]
    before = replay.rows()

    monkeypatch.setattr(PublicRegister, "version", PublicRegister.version + 1)

    assert services.projector.setup() == ["public_register"]
    positions = services.projector.positions()
    assert positions.pop("public_register") == 0
    assert set(positions.values()) == {replay.head()}, "the other views are left as they are"
    emptied = replay.rows()
    assert all(emptied[name] == [] for name in public_tables)

    services.projector.run_once()

    assert replay.rows() == before
    assert services.projector.setup() == [], "the new version is recorded: no second rebuild"
