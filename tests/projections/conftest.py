"""What the projection tests share: the views compared with a clean rebuild, and a district's
bureau and custody bank at work for the risk alerts.

``replay`` reads every projection table row by row and replays the log into them from an empty
start; ``desk`` brings institutions and contracts of 海淀区 into the state a risk signal needs,
through the one command path, and reads the alerts once the projector has caught up.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import DomainEvent
from eventsourcing.utils import get_topic
from sqlalchemy import Engine, select

from registry.application import core
from registry.application.results import WriteResult
from registry.bootstrap import Services
from registry.domain.clock import SHANGHAI, today
from registry.domain.commands import Command
from registry.domain.commands.cases import OpenRefundCase
from registry.domain.commands.contracts import RecordPayment, SignContract
from registry.domain.commands.institutions import (
    EstablishFundSupervision,
    IssueLicence,
    OrderRectification,
    RecordInspection,
    RegisterInstitution,
    VerifyRectification,
)
from registry.domain.events import PrepaidFeeCollected, RefundCaseOpened
from registry.domain.principal import SYSTEM, Principal
from registry.domain.uscc import check_character
from registry.projections import risk_alerts as risk
from registry.projections.base import metadata, projection_positions

Rows = dict[str, list[dict[str, Any]]]


def credit_code(first17: str) -> str:
    return first17 + check_character(first17)


def shanghai(day: str, hh_mm: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hh_mm}").replace(tzinfo=SHANGHAI)


# -- the views and a clean rebuild -----------------------------------------------------------


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


class Replay:
    """The views of one database, the head of its log, and a clean rebuild to compare with."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def rows(self) -> Rows:
        return view_rows(self.services.engine)

    def head(self) -> int:
        return self.services.registry.store.head()

    def assert_same_rows_as_a_clean_rebuild(self) -> Rows:
        """The views as they are equal, row for row, the views replayed from an empty start
        (in batches of another size than the ones they were built in)."""
        built = self.rows()
        self.services.projector.batch_size = 10_000
        self.services.projector.rebuild()
        rebuilt = self.rows()
        assert first_difference(built, rebuilt) is None, first_difference(built, rebuilt)
        assert set(self.services.projector.positions().values()) == {self.head()}
        return rebuilt

    def positions_of(self, event: type[DomainEvent]) -> list[int]:
        """The log positions of every event of the class ``event``."""
        store, topic = self.services.registry.store, get_topic(event)
        found, start = [], 1
        while batch := store.read(start=start, limit=1000):
            found += [n.id for n in batch if n.topic == topic]
            start = batch[-1].id + 1
        return found


@pytest.fixture
def replay(services: Services) -> Replay:
    return Replay(services)


# -- the bureau and the bank at work ---------------------------------------------------------


class Desk:
    """海淀区教委 and the custody bank's feed, acting through the registry, and the alerts the
    projector raised from what they did."""

    BUREAU = Principal(id="key-hd-jw", role="regulator", districts=("110108",), name="海淀区教委")
    BANK = Principal(
        id="key-icbc-hd", role="feed", districts=("110108",), name="工商银行海淀支行资金监管接口"
    )

    def __init__(self, services: Services) -> None:
        self.services = services

    def bureau(self, command: Command) -> WriteResult:
        """The bureau decides."""
        return self.services.registry.execute(self.BUREAU, command)

    def bank(self, command: Command) -> WriteResult:
        """The custody bank reports."""
        return self.services.registry.execute(self.BANK, command)

    def legitimate(self, serial: int = 1, **licence: Any) -> UUID:
        """An arts school of 海淀区, licensed 2025-03-01 to 2028-02-29, under bank custody."""
        institution_id = self.bureau(
            RegisterInstitution(
                name=f"北京市海淀区七彩虹艺术培训学校有限公司（{serial}）",
                credit_code=credit_code(f"91110108MA01C8P{serial:02d}"),
                district_code="110108",
                address="北京市海淀区中关村大街27号中关村大厦3层",
                category="non_academic",
                subjects=["美术", "书法"],
                delivery="offline",
                legal_form="company",
                legal_representative="李秀英",
                icp_number=None,
                registered_on=date(2020, 1, 6),
            )
        ).id
        self.bureau(
            IssueLicence(
                institution_id=institution_id,
                licence_no=f"教民11101087000012{serial}号",
                approving_authority="北京市海淀区教育委员会",
                valid_from=licence.get("valid_from", date(2025, 3, 1)),
                valid_to=licence.get("valid_to", date(2028, 2, 29)),
            )
        )
        self.bureau(
            EstablishFundSupervision(
                institution_id=institution_id,
                mode="bank_custody",
                bank="中国工商银行北京海淀支行",
                account_no="0200004509200123456",
                agreement_no="海教监〔2025〕017号",
                reserve_fen=None,
                established_on=licence.get("valid_from", date(2025, 3, 1)),
            )
        )
        return institution_id

    def contract(self, institution_id: UUID, paid_lessons: int = 48) -> UUID:
        """A course at 90 yuan a lesson (48 paid + 4 gift by default, the worked example of
        docs/domain.md §2)."""
        return self.bank(
            SignContract(
                institution_id=institution_id,
                pupil_ref="pupil-2026-0417",
                guardian_name="王丽娟",
                guardian_phone="13911112222",
                course="少儿美术基础班（春季）",
                paid_lessons=paid_lessons,
                gift_lessons=4 if paid_lessons == 48 else 0,
                price_per_lesson_fen=9_000,
                start_date=date(2026, 3, 2),
                end_date=date(2026, 5, 31),
            )
        ).id

    def pay(
        self,
        contract_id: UUID,
        amount_fen: int,
        *,
        into_supervised_account: bool = True,
        day: str = "2026-03-01",
    ) -> int:
        """The bank reports a fee; answers the position of the payment event itself."""
        self.bank(
            RecordPayment(
                contract_id=contract_id,
                amount_fen=amount_fen,
                paid_at=shanghai(day),
                channel="微信支付" if into_supervised_account else "个人微信转账",
                into_supervised_account=into_supervised_account,
                lessons_covered=None,
                covers_until=None,
            )
        )
        return self.position_of(contract_id, PrepaidFeeCollected)

    def position_of(self, stream_id: UUID, event: type[DomainEvent]) -> int:
        """The position of the stream's last event of the class ``event``."""
        events = self.services.registry.event_log.events(stream_id, 0, 10_000)
        return [e.position for e in events if e.type == event.__name__][-1]

    def order_overdue_rectification(self, institution_id: UUID) -> tuple[str, int]:
        """An inspection finds fees not displayed; the order is due by 2025-07-01."""
        inspection_id = self.bureau(
            RecordInspection(
                institution_id=institution_id,
                inspected_on=date(2025, 6, 1),
                kind="routine",
                inspectors=["王强", "刘洋"],
                findings=[
                    {"code": "F-01", "description": "未公示收费项目和标准", "severity": "minor"}
                ],
                result="rectify",
            )
        ).extra["inspection_id"]
        ordered = self.bureau(
            OrderRectification(
                institution_id=institution_id,
                inspection_id=inspection_id,
                items=["在经营场所显著位置公示收费项目和标准"],
                issued_on=date(2025, 6, 1),
                deadline=date(2025, 7, 1),
            )
        )
        return ordered.extra["order_id"], ordered.position

    def verify(self, institution_id: UUID, order_id: str, outcome: str) -> int:
        return self.bureau(
            VerifyRectification(
                institution_id=institution_id,
                order_id=order_id,
                verified_on=date(2025, 7, 10),
                outcome=outcome,
            )
        ).position

    def review(self, day: date) -> int:
        result = self.services.registry.review_day(SYSTEM, day)
        assert result is not None
        return result.position

    def complain(self, institution_id: UUID, families: int) -> list[int]:
        """``families`` families each open a refund case over a contract of their own;
        answers the positions of the cases opened (recorded today)."""
        positions = []
        for _ in range(families):
            course = self.contract(institution_id, 10)
            case_id = self.bureau(
                OpenRefundCase(
                    institution_id=institution_id,
                    contract_ids=[course],
                    claimant_name="王丽娟",
                    claimant_phone="13911112222",
                    source="complaint",
                    claim_fen=90_000,
                )
            ).id
            positions.append(self.position_of(case_id, RefundCaseOpened))
        return positions

    # -- reading the alerts ------------------------------------------------------------------

    def alerts(self, signal: str | None = None) -> list[dict[str, Any]]:
        """Every alert after the projector caught up, oldest first."""
        self.services.projector.run_once()
        with self.services.engine.connect() as conn:
            query = select(risk.alerts).order_by(risk.alerts.c.raised_position, risk.alerts.c.id)
            if signal:
                query = query.where(risk.alerts.c.signal == signal)
            return [dict(r) for r in conn.execute(query).mappings()]

    def only(self, signal: str) -> dict[str, Any]:
        found = self.alerts(signal)
        assert len(found) == 1, found
        return found[0]

    def risk_rows(self) -> Rows:
        """Every row of every risk table, by primary key."""
        rows = {}
        with self.services.engine.connect() as conn:
            for table in risk.RiskAlerts.tables:
                order = list(table.primary_key.columns)
                rows[table.name] = [
                    dict(r) for r in conn.execute(select(table).order_by(*order)).mappings()
                ]
        return rows


@pytest.fixture
def desk(services: Services, monkeypatch: pytest.MonkeyPatch) -> Desk:
    """The desk; the registry's today is the last day it reviewed when that is later, so that
    decisions dated in the days reviewed ahead stay within the bounds of effective dates."""
    registry = services.registry

    def registry_today() -> date:
        reviewed = registry.last_reviewed_day()
        return max(today(), reviewed) if reviewed else today()

    monkeypatch.setattr(core, "today", registry_today)
    return Desk(services)
