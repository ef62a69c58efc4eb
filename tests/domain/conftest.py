"""Givens for the Institution's domain tests: institutions built through their own commands.

Every builder leaves the institution with no pending events, so a test's "then" sees only
what its "when" decided.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from registry.domain.institution import Institution
from registry.domain.uscc import check_character

# 北京市海淀区教育委员会, as the principal the application records on every event.
HAIDIAN_REGULATOR: dict[str, Any] = {
    "id": "key-hd-01",
    "role": "regulator",
    "districts": ["110108"],
}


def credit_code(first17: str) -> str:
    """A valid USCC: the first seventeen characters and the check character they imply."""
    return first17 + check_character(first17)


# 企业 (91) registered in 海淀区.
ARTS_COMPANY_CODE = credit_code("91110108MA01C8PX3")
ONLINE_COMPANY_CODE = credit_code("91110108MA04R7KL2")
ACADEMIC_COMPANY_CODE = credit_code("91110108MA00G3N51")
# 民办非企业单位 (52) registered in 海淀区.
NON_PROFIT_CODE = credit_code("52110108MJ0000331")
SUCCESSOR_CODE = credit_code("52110108MJ0000579")


class Given:
    """Institutions in each state of their life, reached only through their commands."""

    actor = HAIDIAN_REGULATOR

    def registered(self, **overrides: Any) -> Institution:
        """By default a for-profit arts school (非学科类) of 海淀区, offline."""
        fields: dict[str, Any] = {
            "name": "北京市海淀区七彩虹艺术培训学校有限公司",
            "credit_code": ARTS_COMPANY_CODE,
            "district_code": "110108",
            "address": "北京市海淀区中关村大街27号中关村大厦3层",
            "category": "non_academic",
            "subjects": ["美术", "书法"],
            "delivery": "offline",
            "legal_form": "company",
            "legal_representative": "李秀英",
            "icp_number": None,
            "successor_of": None,
            "actor": self.actor,
        }
        fields.update(overrides)
        inst = Institution.register(**fields)
        inst.collect_events()
        return inst

    def licence_terms(self, **overrides: Any) -> dict[str, Any]:
        terms: dict[str, Any] = {
            "licence_no": "教民111010870000123号",
            "approving_authority": "北京市海淀区教育委员会",
            "valid_from": date(2025, 3, 1),
            "valid_to": date(2028, 2, 29),
            "actor": self.actor,
        }
        terms.update(overrides)
        return terms

    def licensed(self, **overrides: Any) -> Institution:
        inst = self.registered(**overrides)
        inst.issue_licence(**self.licence_terms())
        inst.collect_events()
        return inst

    def supervised(self, inst: Institution) -> Institution:
        inst.establish_fund_supervision(
            mode="bank_custody",
            bank="中国工商银行北京海淀支行",
            account_no="0200004509200123456",
            agreement_no="海教监〔2025〕017号",
            reserve_fen=None,
            actor=self.actor,
        )
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
        inst = self.registered(
            name="北京智学优课教育科技有限公司",
            credit_code=ACADEMIC_COMPANY_CODE,
            category="academic",
            subjects=["数学", "英语"],
            legal_representative="陈建国",
        )
        inst.issue_licence(
            **self.licence_terms(
                licence_no="教民111010870000045号",
                valid_from=date(2019, 9, 1),
                valid_to=date(2025, 8, 31),
            )
        )
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
        fields: dict[str, Any] = {
            "name": "北京市海淀区智学培训学校",
            "credit_code": SUCCESSOR_CODE,
            "category": "academic",
            "subjects": ["数学", "英语"],
            "legal_form": "non_profit",
            "legal_representative": "陈建国",
            "successor_of": predecessor,
        }
        fields.update(overrides)
        inst = self.registered(**fields)
        if licensed:
            inst.issue_licence(
                **self.licence_terms(
                    licence_no="教民111010870000588号", valid_from=date(2022, 3, 1)
                )
            )
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


@pytest.fixture
def given() -> Given:
    return Given()
