"""Institution aggregates in each state of their life, reached only through their own commands.

Every builder leaves the institution with no pending events, so a test's "then" sees only
what its "when" decided. The domain tests get a ``Given`` from their ``given`` fixture.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from registry.domain.institution import Institution
from tests.builders.institutions import (
    academic_company,
    academic_licence,
    arts_school,
    bank_custody,
    licence,
    successor_licence,
    successor_school,
)
from tests.builders.principals import HAIDIAN_REGULATOR


class Given:
    """北京市海淀区教育委员会's institutions, built as its decisions would build them."""

    actor = HAIDIAN_REGULATOR

    def registered(self, **overrides: Any) -> Institution:
        """By default a for-profit arts school (非学科类) of 海淀区, offline."""
        inst = Institution.register(**{**arts_school(**overrides), "actor": self.actor})
        inst.collect_events()
        return inst

    def licence_terms(self, **overrides: Any) -> dict[str, Any]:
        return {**licence(**overrides), "actor": self.actor}

    def licensed(self, **overrides: Any) -> Institution:
        inst = self.registered(**overrides)
        inst.issue_licence(**self.licence_terms())
        inst.collect_events()
        return inst

    def supervised(self, inst: Institution) -> Institution:
        inst.establish_fund_supervision(**bank_custody(), actor=self.actor)
        inst.collect_events()
        return inst

    def inspected(self, inst: Institution, result: str = "rectify") -> str:
        """Records an inspection and answers its id."""
        inst.record_inspection(
            inspection_id="insp-2025-0412",
            inspected_on=date(2025, 4, 12),
            kind="routine",
            inspectors=["张伟", "王芳"],
            findings=[{"item": "收费公示", "detail": "未在经营场所公示收费项目和标准"}],
            result=result,
            actor=self.actor,
        )
        inst.collect_events()
        return "insp-2025-0412"

    def ordered_to_rectify(
        self, inst: Institution, issued_on: date, deadline: date, order_id: str = "order-01"
    ) -> str:
        """Inspects, then orders rectification by ``deadline``; answers the order id."""
        inspection_id = self.inspected(inst)
        inst.order_rectification(
            order_id=order_id,
            inspection_id=inspection_id,
            items=["在经营场所显著位置公示收费项目、标准和退费办法"],
            issued_on=issued_on,
            deadline=deadline,
            actor=self.actor,
        )
        inst.collect_events()
        return order_id

    def suspended(self, **overrides: Any) -> Institution:
        inst = self.licensed(**overrides)
        inst.suspend_enrolment(
            decision_no="海教停招〔2025〕3号",
            reason="超前超标培训",
            effective_from=date(2025, 5, 6),
            actor=self.actor,
        )
        inst.collect_events()
        return inst

    def academic_company(self) -> Institution:
        """A for-profit academic (学科类) company licensed before 双减, as history records it."""
        inst = self.registered(**academic_company())
        inst.issue_licence(**academic_licence(), actor=self.actor)
        inst.collect_events()
        return inst

    def converting(self) -> Institution:
        inst = self.academic_company()
        inst.start_conversion(
            started_on=date(2022, 1, 10),
            planned_successor_name="北京市海淀区智学培训学校",
            actor=self.actor,
        )
        inst.collect_events()
        return inst

    def successor(
        self,
        predecessor: UUID | None,
        *,
        licensed: bool = True,
        supervised: bool = True,
        **overrides: Any,
    ) -> Institution:
        """The non-profit (USCC 52) academic school that takes over a converting company."""
        inst = self.registered(**successor_school(predecessor, **overrides))
        if licensed:
            inst.issue_licence(**successor_licence(valid_from=date(2022, 3, 1)), actor=self.actor)
            inst.collect_events()
        if supervised:
            self.supervised(inst)
        return inst

    def converted(self) -> Institution:
        inst = self.converting()
        inst.complete_conversion(
            successor=self.successor(inst.id),
            open_contracts=0,
            completed_on=date(2022, 6, 30),
            actor=self.actor,
        )
        inst.collect_events()
        return inst

    def revoked(self) -> Institution:
        inst = self.licensed()
        inst.revoke_licence(
            decision_no="海教罚〔2025〕21号",
            reason="无证开展学科类培训且拒不整改",
            notice_served_on=date(2025, 6, 2),
            effective_on=date(2025, 6, 20),
            actor=self.actor,
        )
        inst.collect_events()
        return inst

    def ceased(self) -> Institution:
        inst = self.licensed()
        inst.cease_operations(
            kind="abnormal",
            ceased_on=date(2025, 7, 15),
            reason="负责人失联，门店关闭",
            actor=self.actor,
        )
        inst.collect_events()
        return inst

    def deregistered(self) -> Institution:
        inst = self.revoked()
        inst.deregister(deregistered_on=date(2025, 9, 1), reason="吊销后注销", actor=self.actor)
        inst.collect_events()
        return inst
