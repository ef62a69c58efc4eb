"""Licensing, staff and fund supervision of an institution, and its identity as registered.

The Institution aggregate is built in three layers by concept (``licensing`` → ``enforcement``
→ ``institution``); each layer declares the state it reads and starts it when the institution
is registered. Each public method checks the rules of the rule pack and raises a named error,
then calls a private ``@event`` method whose body only sets state, so a replay never re-judges
old decisions under new rules.
"""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from eventsourcing.domain import Aggregate, event

from registry.domain import dating, institution_events, rules
from registry.domain.rules import DEFAULT_RULE_PACK, RulePack, refuse_unless
from registry.domain.standing import Decision
from registry.domain.uscc import CreditCode
from registry.domain.vocabulary import OPERATING, Actor, InstitutionStatus

Status = InstitutionStatus


class Licence(TypedDict):
    licence_no: str
    approving_authority: str
    valid_from: str
    valid_to: str


class Supervision(TypedDict):
    mode: str
    bank: str
    account_no: str
    agreement_no: str
    reserve_fen: int | None
    established_on: str


class StaffMember(TypedDict):
    name: str
    role: str
    qualification: str | None
    certificate_no: str | None


def require_decision_no(decision_no: str) -> None:
    """Suspension, penalty, revocation and blacklisting are made by a numbered decision."""
    refuse_unless(
        bool(decision_no and decision_no.strip()),
        rules.DECISION_DOCUMENT,
        "a decision document number (决定书文号) is required",
    )


class Licensing(Aggregate):
    """An institution's identity, licence, staff filings and fund supervision."""

    # Its events (declared in ``institution_events``, stored under this class's name).
    LicenceIssued = institution_events.LicenceIssued
    LicenceRenewed = institution_events.LicenceRenewed
    StaffMemberFiled = institution_events.StaffMemberFiled
    FundSupervisionEstablished = institution_events.FundSupervisionEstablished
    FundSupervisionEnded = institution_events.FundSupervisionEnded

    def _start_licensing(
        self,
        *,
        name: str,
        credit_code: str,
        district_code: str,
        address: str,
        category: str,
        subjects: list[str],
        delivery: str,
        legal_form: str,
        legal_representative: str,
        icp_number: str | None,
        successor_of: str | None,
        registered_on: str,
    ) -> None:
        """The identity the institution registered with, and no licence, funds or staff yet."""
        # Every dated decision with its two times, kept as each event applies (``standing``).
        self.decisions: list[Decision] = []
        self.registered_on = registered_on
        self.name = name
        self.credit_code = credit_code
        self.district_code = district_code
        self.address = address
        self.category = category
        self.subjects = list(subjects)
        self.delivery = delivery
        self.legal_form = legal_form
        self.legal_representative = legal_representative
        self.icp_number = icp_number
        self.successor_of = successor_of
        self.status: InstitutionStatus = Status.REGISTERED
        self.licence: Licence | None = None
        self.supervision: Supervision | None = None
        self.staff: list[StaffMember] = []

    # -- derived facts -----------------------------------------------------------------------

    @property
    def is_academic(self) -> bool:
        return self.category == "academic"

    @property
    def is_non_profit(self) -> bool:
        return self.legal_form == "non_profit" and CreditCode(self.credit_code).is_non_profit

    def _check_dated(self, kind: str, day: date) -> None:
        """A decision of ``kind`` takes effect on ``day``, not before what it follows."""
        dating.check_order(self.decisions, kind, day)

    def _refuse_if_closed(self) -> None:
        refuse_unless(
            self.status != Status.DEREGISTERED,
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
            self.status == Status.REGISTERED,
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
        self._check_dated("LicenceIssued", valid_from)
        self._licence_issued(
            licence_no=licence_no,
            approving_authority=approving_authority,
            valid_from=valid_from.isoformat(),
            valid_to=valid_to.isoformat(),
            actor=actor,
        )

    @event(LicenceIssued)
    def _licence_issued(
        self,
        licence_no: str,
        approving_authority: str,
        valid_from: str,
        valid_to: str,
        actor: Actor,
    ) -> None:
        self.licence = Licence(
            licence_no=licence_no,
            approving_authority=approving_authority,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        self.status = Status.LICENSED

    def renew_licence(self, *, valid_to: date, renewed_on: date, actor: Actor) -> None:
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
        self._check_dated("LicenceRenewed", renewed_on)
        self._licence_renewed(
            valid_to=valid_to.isoformat(), renewed_on=renewed_on.isoformat(), actor=actor
        )

    @event(LicenceRenewed)
    def _licence_renewed(self, valid_to: str, renewed_on: str, actor: Actor) -> None:
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

    @event(StaffMemberFiled)
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
        established_on: date,
        actor: Actor,
    ) -> None:
        """Prepaid fees are put under bank custody or backed by a risk reserve (预收费监管)."""
        refuse_unless(
            self.licence is not None and self.status in (*OPERATING, Status.CONVERTING),
            rules.SUPERVISION_LICENCE,
            f"fund supervision is set up for a licensed institution; this one is {self.status}",
        )
        if mode == "risk_reserve":
            refuse_unless(
                reserve_fen is not None and reserve_fen > 0,
                rules.SUPERVISION_RESERVE,
                "a risk reserve states the amount deposited, in fen",
            )
        self._check_dated("FundSupervisionEstablished", established_on)
        self._fund_supervision_established(
            mode=mode,
            bank=bank,
            account_no=account_no,
            agreement_no=agreement_no,
            reserve_fen=reserve_fen if mode == "risk_reserve" else None,
            established_on=established_on.isoformat(),
            actor=actor,
        )

    @event(FundSupervisionEstablished)
    def _fund_supervision_established(
        self,
        mode: str,
        bank: str,
        account_no: str,
        agreement_no: str,
        reserve_fen: int | None,
        established_on: str,
        actor: Actor,
    ) -> None:
        self.supervision = {
            "mode": mode,
            "bank": bank,
            "account_no": account_no,
            "agreement_no": agreement_no,
            "reserve_fen": reserve_fen,
            "established_on": established_on,
        }

    def end_fund_supervision(self, *, ended_on: date, reason: str, actor: Actor) -> None:
        """The custody agreement or risk reserve ends: prepaid fees are no longer supervised."""
        refuse_unless(
            self.supervision is not None,
            rules.SUPERVISION_STATE,
            "the institution has no fund supervision in place",
        )
        self._check_dated("FundSupervisionEnded", ended_on)
        self._fund_supervision_ended(ended_on=ended_on.isoformat(), reason=reason, actor=actor)

    @event(FundSupervisionEnded)
    def _fund_supervision_ended(self, ended_on: str, reason: str, actor: Actor) -> None:
        self.supervision = None
