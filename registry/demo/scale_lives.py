"""Institutions at national scale, each drawn from ``(seed, n)`` alone: the scale generator.

Institution ``n`` of a seed is always the same legal person (name, credit code, district) with
the same regulatory life (licence, staff, supervision, inspections and rectification, suspension,
penalties, revocation, closure, blacklisting, conversion to non-profit) and the same prepaid
contracts (fees, lessons, escrow releases, refunds), some of them against the rules. Nothing
depends on which institutions came before, so a load can stop anywhere and resume.

Every change goes through the aggregates' own commands, which check their rules, so the events
are those the registry would have written; ``build`` answers the new aggregates of one
institution (its successor, contracts and roster included) for one ``EventStore.save``.
Who each institution is comes from ``registry.demo.scale_identity``, its families' contracts
from ``registry.demo.scale_contracts``; ``registry demo --institutions N`` and the benchmarks
both load through ``registry.demo.scale_load``.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate

from registry.demo.scale_contracts import CalendarOf, Families
from registry.demo.scale_identity import (
    AS_OF,
    BANKS,
    BEFORE_DOUBLE_REDUCTION,
    BRANDS,
    FINDINGS,
    GENERATOR,
    SUBJECTS,
    SUFFIXES,
    Draws,
    credit_code,
    identity,
)
from registry.domain.clock import today
from registry.domain.dating import check_bounds
from registry.domain.institution import Institution
from registry.domain.standing import EFFECTIVE_FIELD


class Life(Draws):
    """Draws one institution's life and writes it through its aggregates' commands."""

    def __init__(self, seed: int, n: int, contracts: int, calendar: CalendarOf | None) -> None:
        super().__init__(random.Random(f"scale:{seed}:{n}:life"))
        self.seed, self.n = seed, n
        self.who = identity(seed, n)
        self.actor = GENERATOR.as_actor()
        self.families = Families(self, f"S{seed}-{n}", contracts, self.actor, calendar)

    def decision_no(self, kind: str, on: date) -> str:
        p = self.who.place
        return f"{p.province}{p.short[0]}教{kind}〔{on.year}〕{self.rng.randint(1, 400)}号"

    # -- the institution ---------------------------------------------------------------------

    def build(self) -> list[Aggregate]:
        """The institution's new aggregates, in the order to save them."""
        who, rng = self.who, self.rng
        word, pool = rng.choice(list(SUBJECTS[who.sector].items()))
        subjects = rng.sample(pool, min(len(pool), rng.randint(1, 2)))
        self.subjects = subjects
        online = who.sector == "tech" and rng.random() < 0.15
        if who.sector == "academic":
            licensed = self.day_between(date(2016, 1, 1), BEFORE_DOUBLE_REDUCTION)
            inst = self.register(word, subjects, online, registered_on=licensed - timedelta(30))
            return [inst, *self.academic_life(inst, licensed)]
        registered = self.day_between(date(2018, 1, 1), date(2025, 12, 31))
        inst = self.register(word, subjects, online, registered_on=registered)
        return [inst, *self.ordinary_life(inst, registered)]

    def register(
        self,
        word: str,
        subjects: list[str],
        online: bool,
        *,
        registered_on: date,
        credit_code: str | None = None,
        legal_form: str | None = None,
        successor_of: UUID | None = None,
    ) -> Institution:
        who, rng = self.who, self.rng
        p, form = who.place, legal_form or who.legal_form
        brand = rng.choice(BRANDS)
        if who.sector == "academic":
            name = (
                f"{p.city}{brand}教育科技有限公司"
                if form == "company"
                else f"{p.city}市{p.short}{brand}文化培训学校"
            )
        else:
            name = f"{p.short}{brand}{word}{rng.choice(SUFFIXES[form])}"
            if rng.random() < 0.35:
                name += f"（{rng.choice(p.streets)}校区）"
        return Institution.register(
            name=name,
            credit_code=credit_code or who.credit_code,
            district_code=p.code,
            address=f"{p.name}{rng.choice(p.streets)}{rng.randint(1, 999)}号"
            f"{rng.randint(1, 12)}层{rng.randint(1, 30):02d}室",
            category="academic" if who.sector == "academic" else "non_academic",
            subjects=subjects,
            delivery="online" if online else "offline",
            legal_form=form,
            legal_representative=self.person(),
            icp_number=f"{p.province}ICP备{rng.randint(2018, 2025)}{self.digits(6)}号"
            if online
            else None,
            successor_of=successor_of,
            registered_on=registered_on,
            actor=self.actor,
        )

    def license(self, inst: Institution, valid_from: date) -> date:
        """Licence for three years, renewed while the institution keeps operating."""
        sector = self.who.sector
        p = self.who.place
        authority = {
            "arts": f"{p.name}文化和旅游局",
            "sports": f"{p.name}体育局",
        }.get(sector, f"{p.name}{'教育委员会' if p.city == '北京' else '教育局'}")
        valid_to = valid_from + timedelta(days=3 * 365)
        inst.issue_licence(
            licence_no=f"教民{p.code}{self.rng.randint(1, 9)}{self.n % 10**6:06d}{self.digits(2)}",
            approving_authority=authority,
            valid_from=valid_from,
            valid_to=valid_to,
            actor=self.actor,
        )
        return valid_to

    def staff(self, inst: Institution) -> None:
        for _ in range(self.rng.choice((1, 1, 1, 2, 2))):
            subject = self.rng.choice(self.subjects)
            sector = self.who.sector
            certified = sector == "academic" or self.rng.random() < 0.6
            qualification = (
                "sports_instructor_certificate"
                if sector == "sports"
                else "teacher_certificate"
                if certified
                else None
            )
            inst.file_staff_member(
                name=self.person(),
                role=f"{subject}{'教练' if sector == 'sports' else '教师'}",
                qualification=qualification,
                certificate_no=(
                    f"{self.rng.randint(2008, 2024)}{self.who.place.code[:4]}{self.digits(9)}"
                    if qualification
                    else None
                ),
                serving_school_teacher=False,
                actor=self.actor,
            )

    def supervise(self, inst: Institution) -> None:
        bank = self.rng.choice((*BANKS, f"{self.who.place.city}银行"))
        reserve = self.rng.random() < 0.3
        inst.establish_fund_supervision(
            mode="risk_reserve" if reserve else "bank_custody",
            bank=bank,
            account_no=f"6{self.digits(18)}",
            agreement_no=f"JG-{self.who.place.code}-{self.n:07d}",
            reserve_fen=self.rng.choice((200_000, 500_000, 1_000_000)) * 100 if reserve else None,
            established_on=date.fromisoformat(inst.licence["valid_from"])
            if inst.licence
            else AS_OF,
            actor=self.actor,
        )

    def ordinary_life(self, inst: Institution, registered: date) -> list[Aggregate]:
        """A non-academic institution: most are licensed and supervised, some are sanctioned or
        close, and families sign prepaid contracts with those that operate."""
        rng = self.rng
        if rng.random() < 0.06:
            return []  # still waiting for its licence
        licensed = registered + timedelta(days=rng.randint(20, 120))
        valid_to = self.license(inst, licensed)
        self.staff(inst)
        supervised = rng.random() < 0.95
        if supervised:
            self.supervise(inst)
        while valid_to < AS_OF and rng.random() < 0.85:
            valid_to += timedelta(days=3 * 365)
            inst.renew_licence(
                valid_to=valid_to, renewed_on=valid_to - timedelta(days=3 * 365), actor=self.actor
            )
        day = licensed
        open_deadline = self.inspections(inst, licensed)
        contracts = self.contracts(inst, licensed)
        fate = rng.random()
        if fate < 0.03 and not open_deadline:
            day = self.day_between(max(licensed, date(2024, 1, 1)), AS_OF - timedelta(days=60))
            inst.suspend_enrolment(
                decision_no=self.decision_no("停", day),
                reason="预收费资金未纳入监管",
                effective_from=day,
                actor=self.actor,
            )
            if rng.random() < 0.5:
                lifted = day + timedelta(days=rng.randint(15, 50))
                inst.lift_suspension(
                    decision_no=self.decision_no("复", lifted),
                    lifted_on=lifted,
                    today=AS_OF,
                    actor=self.actor,
                )
        if rng.random() < 0.025:
            decided = self.day_between(max(licensed, date(2023, 1, 1)), AS_OF)
            fine = rng.choice((0, 5_000, 10_000, 30_000, 50_000)) * 100
            inst.impose_penalty(
                decision_no=self.decision_no("罚", decided),
                kinds=["warning", "fine"] if fine else ["warning"],
                fine_fen=fine,
                illegal_gains_fen=rng.choice((0, 0, 12_000_00)),
                decided_on=decided,
                actor=self.actor,
            )
        if fate > 0.993 and inst.status in ("licensed", "suspended"):
            self.revoke(inst)
        elif fate > 0.975:
            self.cease(inst, abnormal=fate > 0.990)
        return [*contracts]

    def inspections(self, inst: Institution, licensed: date) -> bool:
        """Inspections with findings, rectification orders and their checks; answers whether
        an order is left open past its deadline."""
        rng = self.rng
        overdue = False
        for _ in range(rng.choice((0, 0, 1, 1, 1, 2))):
            on = self.day_between(licensed, AS_OF - timedelta(days=10))
            inspection_id = f"insp-{self.seed}-{self.n}-{on.isoformat()}-{rng.randint(0, 9999)}"
            rectify = rng.random() < 0.3
            findings = [
                {"code": f"F-{FINDINGS.index(f) + 1:02d}", "description": f[0], "severity": f[1]}
                for f in rng.sample(FINDINGS, rng.randint(1, 2))
            ]
            inst.record_inspection(
                inspection_id=inspection_id,
                inspected_on=on,
                kind=rng.choice(("routine", "routine", "complaint", "special")),
                inspectors=[self.person(), self.person()],
                findings=findings if rectify else [],
                result="rectify" if rectify else "pass",
                actor=self.actor,
            )
            if not rectify:
                continue
            order_id = f"order-{inspection_id}"
            deadline = on + timedelta(days=rng.choice((15, 30, 60)))
            inst.order_rectification(
                order_id=order_id,
                inspection_id=inspection_id,
                items=[f["description"] for f in findings],
                issued_on=on,
                deadline=deadline,
                actor=self.actor,
            )
            check = rng.random()
            if check < 0.15 and deadline < AS_OF:
                overdue = True  # left open past its deadline
                continue
            verified = min(deadline, AS_OF)
            if check < 0.3:
                inst.verify_rectification(
                    order_id=order_id, verified_on=verified, outcome="failed", actor=self.actor
                )
            inst.verify_rectification(
                order_id=order_id, verified_on=verified, outcome="completed", actor=self.actor
            )
        return overdue

    def revoke(self, inst: Institution) -> None:
        rng = self.rng
        served = self.day_between(
            self.after_the_record(inst, date(2024, 6, 1)), AS_OF - timedelta(days=40)
        )
        effective = served + timedelta(days=rng.randint(15, 30))
        inst.revoke_licence(
            decision_no=self.decision_no("吊", served),
            reason="以非学科类名义违规开展学科类培训，拒不整改",
            notice_served_on=served,
            effective_on=effective,
            actor=self.actor,
        )
        if rng.random() < 0.5:
            self.blacklist(inst, effective, "吊销办学许可证")
        if rng.random() < 0.5:
            inst.deregister(
                deregistered_on=effective + timedelta(days=rng.randint(10, 30)),
                reason="办学许可证被吊销",
                actor=self.actor,
            )

    def cease(self, inst: Institution, abnormal: bool) -> None:
        rng = self.rng
        on = self.day_between(
            self.after_the_record(inst, date(2024, 1, 1)), AS_OF - timedelta(days=30)
        )
        inst.cease_operations(
            kind="abnormal" if abnormal else "voluntary",
            ceased_on=on,
            reason="门店突然关闭，负责人失联" if abnormal else "经营调整，主动停办",
            actor=self.actor,
        )
        if abnormal:
            self.blacklist(inst, on + timedelta(days=rng.randint(3, 20)), "卷款跑路，拒不退费")
        elif rng.random() < 0.6:
            inst.deregister(
                deregistered_on=on + timedelta(days=rng.randint(20, 60)),
                reason="终止办学，预收费已清退",
                actor=self.actor,
            )

    def blacklist(self, inst: Institution, on: date, reason: str) -> None:
        inst.blacklist(
            reasons=[reason], decision_no=self.decision_no("黑", on), listed_on=on, actor=self.actor
        )
        if self.rng.random() < 0.15 and inst.status != "ceased":
            # By the generator's day at the latest (``decision.date_bounds``), after the listing.
            later = min(on + timedelta(days=self.rng.randint(180, 400)), AS_OF)
            if later > on:
                inst.remove_from_blacklist(
                    decision_no=self.decision_no("移", later), removed_on=later, actor=self.actor
                )

    def academic_life(self, inst: Institution, licensed: date) -> list[Aggregate]:
        """Academic training: non-profits licensed before 双减 keep operating; companies convert
        to non-profit (营转非), half of them done, with the successor school registered."""
        rng = self.rng
        valid_to = self.license(inst, licensed)
        self.staff(inst)
        self.supervise(inst)
        while valid_to < AS_OF:
            valid_to += timedelta(days=3 * 365)
            inst.renew_licence(
                valid_to=valid_to, renewed_on=valid_to - timedelta(days=3 * 365), actor=self.actor
            )
        if self.who.legal_form == "non_profit":
            self.inspections(inst, date(2022, 1, 1))
            return self.contracts(inst, date(2023, 1, 1))
        started = self.day_between(date(2021, 9, 1), date(2023, 12, 31))
        brand = inst.name.removeprefix(self.who.place.city).removesuffix("教育科技有限公司")
        inst.start_conversion(
            started_on=started,
            planned_successor_name=f"{self.who.place.city}市{self.who.place.short}{brand}培训学校",
            actor=self.actor,
        )
        if rng.random() < 0.5:
            return []
        successor = self.register(
            "",
            list(inst.subjects),
            False,
            credit_code=credit_code(self.seed, 2 * self.n + 1, "non_profit", inst.district_code),
            legal_form="non_profit",
            successor_of=inst.id,
            registered_on=started,
        )
        self.license(successor, started + timedelta(days=rng.randint(60, 200)))
        self.staff(successor)
        self.supervise(successor)
        completed = started + timedelta(days=rng.randint(210, 400))
        inst.complete_conversion(
            successor=successor, open_contracts=0, completed_on=completed, actor=self.actor
        )
        if rng.random() < 0.5:
            inst.deregister(
                deregistered_on=completed + timedelta(days=30),
                reason="营转非完成，原机构注销",
                actor=self.actor,
            )
        return [successor, *self.contracts(successor, completed)]

    def contracts(self, inst: Institution, since: date) -> list[Aggregate]:
        """The contracts families sign with the institution, and its roster."""
        return self.families.sign_up(inst, since)


def build(
    seed: int, n: int, contracts_per_institution: int, school_calendar: CalendarOf | None = None
) -> list[Aggregate]:
    """Institution ``n`` of ``seed`` and everything new of it, ready to save, its lessons judged
    by ``school_calendar``. The generator writes through the aggregates, not ``execute``, so it
    checks here every effective date within ``decision.date_bounds`` (on today), as there."""
    built = Life(seed, n, contracts_per_institution, school_calendar).build()
    for aggregate in built:
        for d in aggregate.decisions if isinstance(aggregate, Institution) else ():
            check_bounds(d.effective_on, today(), EFFECTIVE_FIELD[d.kind])
    return built


def pending_events(aggregates: list[Aggregate]) -> int:
    return sum(len(a.pending_events) for a in aggregates)
