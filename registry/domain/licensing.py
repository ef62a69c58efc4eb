"""Licensing, staff and fund supervision of an institution, and the state every part shares.

The Institution aggregate is built in three layers by concept (``licensing`` → ``enforcement``
→ ``institution``). Each public method checks the rules of the rule pack and raises a named
error, then calls a private ``@event`` method whose body only sets state, so a replay never
re-judges old decisions under new rules.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.domain import Aggregate, event

from registry.domain import rules
from registry.domain.errors import RuleViolation
from registry.domain.rules import DEFAULT_RULE_PACK, Rule, RulePack
from registry.domain.uscc import CreditCode

Actor = dict[str, Any]

OPERATING = ("licensed", "suspended")
CLOSED = ("deregistered",)


def refuse_unless(condition: bool, rule: Rule, detail: str) -> None:
    """Raise ``RuleViolation`` naming ``rule`` when ``condition`` does not hold."""
    if not condition:
        raise RuleViolation(rule.id, detail)


def require_decision_no(decision_no: str) -> None:
    """Suspension, penalty and revocation are made by a numbered decision document."""
    refuse_unless(
        bool(decision_no and decision_no.strip()),
        rules.DECISION_DOCUMENT,
        "a decision document number (决定书文号) is required",
    )


class Licensing(Aggregate):
    """An institution's identity, licence, staff filings and fund supervision."""

    # -- derived facts -----------------------------------------------------------------------

    @property
    def is_academic(self) -> bool:
        return self.category == "academic"

    @property
    def is_non_profit(self) -> bool:
        return self.legal_form == "non_profit" and CreditCode(self.credit_code).is_non_profit

    @property
    def blacklisted(self) -> bool:
        return self.blacklisting is not None

    def open_orders(self) -> list[dict[str, Any]]:
        return [o for o in self.rectification_orders.values() if o["status"] == "open"]

    def overdue_orders(self, on: date) -> list[dict[str, Any]]:
        """Open orders whose deadline has passed by ``on``."""
        return [o for o in self.open_orders() if date.fromisoformat(o["deadline"]) < on]

    def _refuse_if_closed(self) -> None:
        refuse_unless(
            self.status not in CLOSED,
            rules.CLOSED_INSTITUTION,
            "the institution is deregistered",
        )

    # -- licence ------------------------------------------------------------------------------

    def issue_licence(
        self,
        *,
        licence_no: str,
        approving_authority: str,
        valid_from: date,
        valid_to: date,
        actor: Actor,
        pack: RulePack = DEFAULT_RULE_PACK,
    ) -> None:
        """The approving bureau licenses a registered institution (办学许可证)."""
        refuse_unless(
            self.status == "registered",
            rules.LICENCE_STATE,
            f"a licence is issued to a registered institution, this one is {self.status}",
        )
        if self.is_academic and valid_from >= pack.double_reduction_date:
            # Since 双减 (2021-07-24) academic licences go only to non-profit conversion
            # successors; a licence granted before it is entered as a record of history.
            refuse_unless(
                self.is_non_profit,
                rules.ACADEMIC_NON_PROFIT,
                "an academic institution must be a non-profit with a USCC beginning 52",
            )
            refuse_unless(
                self.successor_of is not None,
                rules.ACADEMIC_NEW_LICENCE,
                "no new academic institutions are licensed except conversion successors",
            )
        refuse_unless(
            self.delivery != "online" or bool(self.icp_number),
            rules.ONLINE_ICP,
            "an online institution needs an ICP filing number",
        )
        refuse_unless(
            valid_to > valid_from, rules.LICENCE_VALIDITY, "valid_to must be after valid_from"
        )
        self._licence_issued(
            licence_no=licence_no,
            approving_authority=approving_authority,
            valid_from=valid_from.isoformat(),
            valid_to=valid_to.isoformat(),
            actor=actor,
        )

    @event("LicenceIssued")
    def _licence_issued(
        self,
        licence_no: str,
        approving_authority: str,
        valid_from: str,
        valid_to: str,
        actor: Actor,
    ) -> None:
        self.licence = {
            "licence_no": licence_no,
            "approving_authority": approving_authority,
            "valid_from": valid_from,
            "valid_to": valid_to,
        }
        self.status = "licensed"

    def renew_licence(self, *, valid_to: date, actor: Actor) -> None:
        """The approving bureau extends a current licence."""
        refuse_unless(
            self.licence is not None and self.status in OPERATING,
            rules.LICENCE_STATE,
            f"only a current licence is renewed; the institution is {self.status}",
        )
        assert self.licence is not None  # for the type checker: checked just above
        refuse_unless(
            valid_to > date.fromisoformat(self.licence["valid_to"]),
            rules.LICENCE_VALIDITY,
            "a renewal extends the licence beyond its current end",
        )
        self._licence_renewed(valid_to=valid_to.isoformat(), actor=actor)

    @event("LicenceRenewed")
    def _licence_renewed(self, valid_to: str, actor: Actor) -> None:
        assert self.licence is not None
        self.licence = {**self.licence, "valid_to": valid_to}

    # -- staff and funds ----------------------------------------------------------------------

    def file_staff_member(
        self,
        *,
        name: str,
        role: str,
        qualification: str | None,
        certificate_no: str | None,
        serving_school_teacher: bool,
        actor: Actor,
    ) -> None:
        """The institution's teaching staff are filed with the bureau (从业人员备案)."""
        self._refuse_if_closed()
        refuse_unless(
            not serving_school_teacher,
            rules.STAFF_SERVING_TEACHER,
            "a serving primary or secondary school teacher may not work for a training institution",
        )
        if self.is_academic:
            refuse_unless(
                qualification == "teacher_certificate" and bool(certificate_no),
                rules.STAFF_QUALIFICATION,
                "academic training staff must hold a teacher qualification certificate",
            )
        self._staff_member_filed(
            name=name,
            role=role,
            qualification=qualification,
            certificate_no=certificate_no,
            serving_school_teacher=serving_school_teacher,
            actor=actor,
        )

    @event("StaffMemberFiled")
    def _staff_member_filed(
        self,
        name: str,
        role: str,
        qualification: str | None,
        certificate_no: str | None,
        serving_school_teacher: bool,
        actor: Actor,
    ) -> None:
        self.staff.append(
            {
                "name": name,
                "role": role,
                "qualification": qualification,
                "certificate_no": certificate_no,
            }
        )

    def establish_fund_supervision(
        self,
        *,
        mode: str,
        bank: str,
        account_no: str,
        agreement_no: str,
        reserve_fen: int | None,
        actor: Actor,
    ) -> None:
        """Prepaid fees are put under bank custody or backed by a risk reserve (预收费监管)."""
        refuse_unless(
            self.licence is not None and self.status in (*OPERATING, "converting"),
            rules.SUPERVISION_LICENCE,
            f"fund supervision is set up for a licensed institution; this one is {self.status}",
        )
        if mode == "risk_reserve":
            refuse_unless(
                reserve_fen is not None and reserve_fen > 0,
                rules.SUPERVISION_RESERVE,
                "a risk reserve states the amount deposited, in fen",
            )
        self._fund_supervision_established(
            mode=mode,
            bank=bank,
            account_no=account_no,
            agreement_no=agreement_no,
            reserve_fen=reserve_fen if mode == "risk_reserve" else None,
            actor=actor,
        )

    @event("FundSupervisionEstablished")
    def _fund_supervision_established(
        self,
        mode: str,
        bank: str,
        account_no: str,
        agreement_no: str,
        reserve_fen: int | None,
        actor: Actor,
    ) -> None:
        self.supervision = {
            "mode": mode,
            "bank": bank,
            "account_no": account_no,
            "agreement_no": agreement_no,
            "reserve_fen": reserve_fen,
        }
