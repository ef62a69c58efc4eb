"""The demo's families: prepaid contracts, fees, lessons, escrow, and refund disputes.

Every step goes through the registry's contract and refund-case commands, as a bank or platform
feed and the bureau would report them, so breaches are flagged by the same rules as real data.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import UUID

from registry.application.results import WriteResult
from registry.demo.bureau import Bureau
from registry.demo.institutions import DemoInstitution
from registry.domain.clock import SHANGHAI
from registry.domain.commands import Command
from registry.domain.commands.cases import (
    AssessRefundCase,
    AttachEvidence,
    CloseRefundCase,
    OpenRefundCase,
    PayRefund,
    RecordMediation,
    ReferToCourt,
)
from registry.domain.commands.contracts import (
    RecordConsumption,
    RecordPayment,
    ReleaseEscrow,
    SignContract,
)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


class Families:
    """Parents signing up, paying, attending; the bank releasing; disputes when it goes wrong."""

    def __init__(self, bureau: Bureau) -> None:
        self.b = bureau
        self.registry = bureau.registry
        self.principal = bureau.principal
        self.rng = bureau.rng

    def act(self, command: Command) -> WriteResult:
        """Run one command as a feed or the bureau reports it (events are not tallied)."""
        return self.registry.execute(self.principal, command)

    def _weekday(self, day: date) -> date:
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day

    def enrol(
        self, inst: DemoInstitution, families: int, since: int, breaches: bool = False
    ) -> list[UUID]:
        """``families`` contracts signed about ``since`` days ago, paid and partly taught."""
        ids = []
        for n in range(families):
            start = self._weekday(self.b.ago(since - n))
            price = self.rng.choice((6_000, 8_000, 9_000, 12_000))
            paid_lessons, gift = self.rng.choice(((24, 0), (40, 2), (48, 4)))
            contract = self.act(
                SignContract(
                    institution_id=inst.id,
                    pupil_ref=f"DEMO-{inst.registration['credit_code'][-6:]}-{n:03d}",
                    guardian_name=self.b.people.person(),
                    guardian_phone="13" + self.b.people.digits(9),
                    course=self.rng.choice(inst.registration["subjects"]) + "（季度班）",
                    paid_lessons=paid_lessons,
                    gift_lessons=gift,
                    price_per_lesson_fen=price,
                    start_date=start,
                    end_date=start + timedelta(days=84),
                )
            ).id
            ids.append(contract)
            odd = breaches and n == 0
            self.act(
                RecordPayment(
                    contract_id=contract,
                    amount_fen=paid_lessons * price,
                    paid_at=at(start - timedelta(days=2), 10, 30),
                    channel="个人微信收款" if odd else "银行转账",
                    into_supervised_account=not odd,
                    lessons_covered=paid_lessons,
                    # One charge for a whole term: more than three months, flagged.
                    covers_until=start + timedelta(days=120 if odd else 84),
                )
            )
            taught = self.rng.randint(4, min(20, paid_lessons))
            for week in range(taught // 2):
                day = self._weekday(start + timedelta(days=7 * week))
                late = breaches and n == 1 and week == 0
                self.act(
                    RecordConsumption(
                        contract_id=contract,
                        lessons=2,
                        starts_at=at(day, 19 if late else 18),
                        ends_at=at(day, 21 if late else 19, 0 if late else 30),
                        delivery="offline",
                    )
                )
            figures = self.registry.contract(self.principal, contract)
            if figures["consumed_value_fen"] and self.rng.random() < 0.7:
                released = figures["consumed_value_fen"] - 1
                self.act(ReleaseEscrow(contract_id=contract, amount_fen=released))
            self.b.tally["contracts"] += 1
        return ids

    def disputes(self, inst: DemoInstitution, contracts: list[UUID], ceased: date) -> list[str]:
        """After an abnormal closure: complaints, one settled in mediation, one sent to court."""
        notes = []
        for n, contract in enumerate(contracts[:3]):
            terms = self.registry.contract(self.principal, contract)
            case = self.act(
                OpenRefundCase(
                    institution_id=inst.id,
                    contract_ids=[contract],
                    claimant_name=terms["guardian_name"],
                    claimant_phone=terms["guardian_phone"],
                    source="complaint",
                    claim_fen=terms["paid_fen"] - terms["refunded_fen"],
                )
            ).id
            self.act(
                AttachEvidence(
                    case_id=case,
                    kind="contract",
                    description="培训服务合同及缴费凭证",
                    sha256=f"{abs(hash((inst.id, n))):064x}"[-64:],
                )
            )
            assessed = self.act(AssessRefundCase(case_id=case)).extra or {}
            owed = int(assessed.get("assessed_fen", 0))
            held = ceased + timedelta(days=10 + n)
            if n == 0:
                self.act(
                    RecordMediation(case_id=case, outcome="agreed", agreed_fen=owed, held_on=held)
                )
                self.act(
                    PayRefund(
                        case_id=case,
                        amount_fen=owed,
                        paid_on=held + timedelta(days=5),
                        source="supervised_account",
                    )
                )
                self.act(CloseRefundCase(case_id=case, outcome="paid"))
                notes.append(f"refund case settled in mediation, {owed / 100:,.2f} yuan paid")
            elif n == 1:
                self.act(RecordMediation(case_id=case, outcome="failed", held_on=held))
                self.act(
                    ReferToCourt(
                        case_id=case,
                        court=f"{inst.district.full_name}人民法院",
                        referred_on=held + timedelta(days=3),
                    )
                )
                notes.append(f"refund case referred to court, {owed / 100:,.2f} yuan assessed")
            else:
                notes.append(f"refund case opened and assessed at {owed / 100:,.2f} yuan")
            self.b.tally["refund cases"] += 1
        return notes
