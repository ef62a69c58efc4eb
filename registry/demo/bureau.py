"""The demo's district bureaus: each regulatory act, done through the registry's own commands.

Every step is an ordinary command (``registry.domain.commands``) run by ``Registry.execute`` for
the principal loading the demo (the command-line operator), so demo data obeys the same rules
as real data: nothing here writes events any other way.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from uuid import UUID

from registry.application.registry import Registry
from registry.application.results import WriteResult
from registry.demo.institutions import CITY_BANKS, NATIONAL_BANKS, DemoInstitution, People
from registry.domain.clock import today
from registry.domain.commands import Command
from registry.domain.commands.institutions import (
    Blacklist,
    CeaseOperations,
    EstablishFundSupervision,
    FileStaffMember,
    Finding,
    ImposePenalty,
    IssueLicence,
    LiftSuspension,
    OrderRectification,
    RecordInspection,
    RegisterInstitution,
    RemoveFromBlacklist,
    RevokeLicence,
    SuspendEnrolment,
    VerifyRectification,
)
from registry.domain.principal import Principal
from registry.domain.vocabulary import (
    CessationKind,
    InspectionKind,
    InspectionResult,
    Severity,
    SupervisionMode,
    VerificationOutcome,
)

# Inspection findings: code → (what was found, severity, what the order asks).
FINDINGS: dict[str, tuple[str, Severity, str]] = {
    "F-01": (
        "未在经营场所公示收费项目和标准",
        "minor",
        "在前台醒目位置公示收费项目、标准及退费办法",
    ),
    "F-02": ("从业人员信息未在醒目位置公示", "minor", "公示全部从业人员姓名、照片及资质"),
    "F-03": ("消防疏散通道堆放杂物", "major", "清理疏散通道并完成消防安全自查"),
    "F-04": ("未与家长签订培训服务示范合同", "minor", "使用示范文本与全部学员家长重新签约"),
    "F-05": ("一次性收取超过三个月的培训费用", "major", "停止超期收费，对超收部分办理退费"),
    "F-06": ("预收费未全部进入监管账户", "major", "将全部预收费纳入监管账户"),
    "F-07": ("聘用人员未取得相应资质", "major", "调离无资质人员并补充从业人员备案"),
    "F-08": ("以艺术培训名义开展学科类培训", "critical", "立即停止学科类培训内容"),
    "F-09": ("培训结束时间晚于20:30", "minor", "调整课表，培训结束时间不晚于20:30"),
    "F-10": ("门店关闭，负责人失联", "critical", "联系负责人并启动预收费退费处置"),
}


def yuan(fen: int) -> str:
    return f"¥{fen // 100:,}"


# The day every demo institution entered the register: before any licence the demo dates.
REGISTERED_ON = date(2019, 6, 3)


class Bureau:
    """The bureaus of every demo district, acting through the registry as ``principal``."""

    def __init__(self, registry: Registry, principal: Principal, seed: int) -> None:
        self.registry = registry
        self.principal = principal
        self.rng = random.Random(f"demo-acts-{seed}")
        self.people = People(seed + 1)
        self.today = today()
        self.tally: Counter[str] = Counter()
        self.licensed_from: dict[UUID, date] = {}

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def act(self, command: Command) -> WriteResult:
        """Run one command of the registry as the bureau's principal."""
        result = self.registry.execute(self.principal, command)
        self.tally["events"] += 1
        return result

    def decision_no(self, inst: DemoInstitution, kind: str, on: date) -> str:
        """A decision document number in the bureaus' style, e.g. 京海教罚〔2026〕7号."""
        d = inst.district
        return f"{d.province}{d.bureau_abbr}教{kind}〔{on.year}〕{self.rng.randint(1, 60)}号"

    # -- registration, licence, staff, funds --------------------------------------------------

    def register(self, inst: DemoInstitution) -> None:
        """Entered in the register in 2019, before any licence the demo dates."""
        self.act(RegisterInstitution(**inst.registration, registered_on=REGISTERED_ON))

    def licence(
        self,
        inst: DemoInstitution,
        since: int = 0,
        valid_from: date | None = None,
        valid_to: date | None = None,
    ) -> str:
        """A licence granted some months before ``since`` days ago, valid for three years."""
        if valid_from is None:
            valid_from = self.ago(self.rng.randint(since + 30, since + 420)).replace(day=1)
        if valid_to is None:
            valid_to = valid_from.replace(year=valid_from.year + 3) - timedelta(days=1)
        self.licensed_from[inst.id] = valid_from
        prefix = {"arts": "文旅民", "sports": "体民"}.get(inst.sector, "教民")
        self.act(
            IssueLicence(
                institution_id=inst.id,
                licence_no=f"{prefix}{inst.district.code}{self.people.digits(9)}号",
                approving_authority=inst.district.authority(inst.sector),
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )
        return f"licensed to {valid_to}"

    def staff(self, inst: DemoInstitution) -> str:
        for member in inst.staff:
            self.act(FileStaffMember(institution_id=inst.id, **member))
        return f"{len(inst.staff)} staff filed"

    def supervise(self, inst: DemoInstitution, mode: SupervisionMode | None = None) -> str:
        """Prepaid fees under bank custody, or a risk reserve deposited with a bank."""
        d = inst.district
        if mode is None:
            mode = "risk_reserve" if self.rng.random() < 0.3 else "bank_custody"
        bank = self.rng.choice((*NATIONAL_BANKS, CITY_BANKS[d.city]))
        local = d.short.removesuffix("新区").removesuffix("区")
        branch = f"{bank}{local if bank == CITY_BANKS[d.city] else d.branch}支行"
        reserve = self.rng.choice((100_000, 200_000, 300_000, 500_000)) * 100
        self.act(
            EstablishFundSupervision(
                institution_id=inst.id,
                mode=mode,
                bank=branch,
                account_no=self.people.digits(19),
                agreement_no=f"ZJJG-{d.code}-{self.today.year - 1}-{self.rng.randint(1, 999):04d}",
                reserve_fen=reserve if mode == "risk_reserve" else None,
                # In place since the licence, or from today.
                established_on=self.licensed_from.get(inst.id),
            )
        )
        self.tally[mode] += 1
        if mode == "risk_reserve":
            return f"risk reserve {yuan(reserve)} at {branch}"
        return f"fees in custody at {branch}"

    def operating(
        self, inst: DemoInstitution, since: int = 0, mode: SupervisionMode | None = None
    ) -> list[str]:
        """Licensed, staff filed, fees supervised: everything a legitimate institution has."""
        return [self.licence(inst, since), self.staff(inst), self.supervise(inst, mode)]

    # -- inspections and rectification --------------------------------------------------------

    def inspect(
        self,
        inst: DemoInstitution,
        on: date,
        kind: InspectionKind,
        result: InspectionResult,
        codes: tuple[str, ...] = (),
    ) -> str:
        """Record an inspection with the findings ``codes``; answers its id."""
        findings: list[Finding] = [
            {"code": c, "description": FINDINGS[c][0], "severity": FINDINGS[c][1]} for c in codes
        ]
        done = self.act(
            RecordInspection(
                institution_id=inst.id,
                inspected_on=on,
                kind=kind,
                inspectors=[self.people.person(), self.people.person()],
                findings=findings,
                result=result,
            )
        )
        self.tally["inspections"] += 1
        return str((done.extra or {})["inspection_id"])

    def inspect_and_order(
        self,
        inst: DemoInstitution,
        on: date,
        kind: InspectionKind,
        result: InspectionResult,
        codes: tuple[str, ...],
    ) -> tuple[str, date]:
        """An inspection with findings and, two days later, an order to fix them in 30 days."""
        inspection_id = self.inspect(inst, on, kind, result, codes)
        issued = on + timedelta(days=2)
        done = self.act(
            OrderRectification(
                institution_id=inst.id,
                inspection_id=inspection_id,
                items=[FINDINGS[c][2] for c in codes],
                issued_on=issued,
                deadline=issued + timedelta(days=30),
            )
        )
        self.tally["rectification orders"] += 1
        return str((done.extra or {})["order_id"]), issued + timedelta(days=30)

    def verify(
        self, inst: DemoInstitution, order_id: str, on: date, outcome: VerificationOutcome
    ) -> None:
        self.act(
            VerifyRectification(
                institution_id=inst.id, order_id=order_id, verified_on=on, outcome=outcome
            )
        )
        self.tally[f"orders {outcome}"] += 1

    # -- sanctions ----------------------------------------------------------------------------

    def suspend(self, inst: DemoInstitution, on: date, reason: str) -> None:
        decision_no = self.decision_no(inst, "停招", on)
        self.act(
            SuspendEnrolment(
                institution_id=inst.id, decision_no=decision_no, reason=reason, effective_from=on
            )
        )
        self.tally["suspensions"] += 1

    def lift(self, inst: DemoInstitution, on: date) -> None:
        decision_no = self.decision_no(inst, "复招", on)
        self.act(LiftSuspension(institution_id=inst.id, decision_no=decision_no, lifted_on=on))
        self.tally["suspensions lifted"] += 1

    def penalise(self, inst: DemoInstitution, on: date, fine: int, gains: int = 0) -> str:
        kinds = ["warning", "fine"] + (["confiscation_of_illegal_gains"] if gains else [])
        decision_no = self.decision_no(inst, "罚", on)
        self.act(
            ImposePenalty(
                institution_id=inst.id,
                decision_no=decision_no,
                kinds=kinds,
                fine_fen=fine,
                illegal_gains_fen=gains,
                decided_on=on,
            )
        )
        self.tally["penalties"] += 1
        self.tally["fines_fen"] += fine
        self.tally["gains_fen"] += gains
        taken = f", {yuan(gains)} illegal gains confiscated" if gains else ""
        return f"fined {yuan(fine)}{taken} ({decision_no})"

    def revoke(self, inst: DemoInstitution, served: date, effective: date, reason: str) -> None:
        self.act(
            RevokeLicence(
                institution_id=inst.id,
                decision_no=self.decision_no(inst, "吊证", served),
                reason=reason,
                notice_served_on=served,
                effective_on=effective,
            )
        )
        self.tally["revocations"] += 1

    def blacklist(self, inst: DemoInstitution, on: date, reason: str) -> str:
        decision_no = self.decision_no(inst, "黑", on)
        self.act(
            Blacklist(
                institution_id=inst.id, reasons=[reason], decision_no=decision_no, listed_on=on
            )
        )
        self.tally["blacklistings"] += 1
        return f"BLACKLISTED {on}"

    def unblacklist(self, inst: DemoInstitution, on: date) -> None:
        decision_no = self.decision_no(inst, "解黑", on)
        self.act(
            RemoveFromBlacklist(institution_id=inst.id, decision_no=decision_no, removed_on=on)
        )
        self.tally["blacklist removals"] += 1

    def cease(self, inst: DemoInstitution, kind: CessationKind, on: date, reason: str) -> None:
        self.act(CeaseOperations(institution_id=inst.id, kind=kind, ceased_on=on, reason=reason))
        self.tally[f"{kind} cessations"] += 1
