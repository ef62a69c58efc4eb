"""Risk alerts: the signals of DESIGN.md §5, raised and resolved from the log for regulators.

Signals (numbers from ``DEFAULT_RULE_PACK.risk``; domain-research.md §4.5):

- ``coverage``: per institution, escrow balance ÷ unconsumed liability of its open contracts
  (not completed or terminated). Yellow below 1.0, red below 0.8; the level follows the money;
  resolved at 1.0 or more, or when nothing is owed.
- ``compliance_breach``: one alert per ``ComplianceBreachDetected`` on a contract, naming the
  breached rule and the version that judged it. Red when families' money is at risk now
  (collected while not operating, outside the supervised account, without supervision), yellow
  otherwise. It stays open: a breach is a fact, it does not go away.
- ``prepaid_inflow_spike``: fees paid in the last 30 days (by payment day, Asia/Shanghai) over
  2× the monthly average of the 90 days before them; only once there is such an average.
  Yellow; resolved when back under.
- ``rectification_overdue``: on each day the registry reviews, an open order whose deadline
  has passed. Red; resolved when verified as completed (or the institution is deregistered).
- ``licence_expiring``: on each day reviewed, a licence ending within 60 days (red once it
  has ended). Resolved by a renewal beyond the window, or when the institution's licence ends
  otherwise (revocation, cessation, conversion, deregistration).
- ``abnormal_closure``: an abnormal cessation (跑路/闭店). Red at once; stays open.

- ``complaint_surge``: refund cases opened against an institution in the last 7 days (by the
  day recorded, Asia/Shanghai): at least 5 and at least 3× the weekly mean of the 12 weeks
  before. Yellow; resolved when the window falls back under (judged again on each day
  reviewed).

Escrow is what the supervised account holds (see ``refund_tracking``): fees paid outside it
are owed but not covered, which is what makes coverage fall.

Every fact is judged on its own, in log order, against state carried between batches, and an
alert's id derives from its signal, institution, subject and the position that raised it. So
the rows do not depend on how the log was cut into batches: a rebuild gives the same rows as
the incremental build. Time enters only through the registry's ``DayReviewed`` events, so a
replay judges the same days. Metrics are the figures of the latest evaluation while the alert
was open (for coverage and inflow, the one that resolved it too).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import Connection, Table, delete, select, tuple_

from registry.domain.clock import SHANGHAI
from registry.domain.rules import DEFAULT_RULE_PACK, RulePack
from registry.projections import refund_tracking as rt
from registry.projections.base import BatchProjection, Fact, upsert
from registry.projections.risk_signals import (
    BREACH,
    CLOSURE,
    COMPLAINTS,
    COVERAGE,
    INFLOW_SPIKE,
    LICENCE,
    OVERDUE,
    RULE_OF,
    SIGNALS,
    Judgement,
    Signals,
    alert_id,
)
from registry.projections.risk_tables import (
    alerts,
    clock,
    complaints,
    contracts,
    inflows,
    institutions,
    orders,
)

__all__ = ["SIGNALS", "RiskAlerts", "alerts"]

# Alerts that later facts can change; the others are written once and never read back.
TRACKED = (COVERAGE, INFLOW_SPIKE, OVERDUE, LICENCE, COMPLAINTS)

# The events that end an institution's licence, and the status they leave it in.
LICENCE_ENDS = {
    "LicenceRevoked": "revoked",
    "OperationsCeased": "ceased",
    "ConversionCompleted": "converted",
    "Deregistered": "deregistered",
}
INSTITUTION_FACTS = frozenset(
    {
        "InstitutionRegistered",
        "LicenceIssued",
        "LicenceRenewed",
        "RectificationOrdered",
        "RectificationVerified",
        *LICENCE_ENDS,
    }
)
CONTRACT_FACTS = frozenset({*rt.CONTRACT_FACTS, "ComplianceBreachDetected"})
CLOSED_CONTRACTS = ("completed", "terminated")
CHUNK = 1000  # ids per IN (...) list

Key = tuple[str, str, str]  # institution, signal, subject


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _chunks(ids: Iterable[Any]) -> Iterable[list[Any]]:
    ordered = sorted(ids)
    for i in range(0, len(ordered), CHUNK):
        yield ordered[i : i + CHUNK]


def _owed(row: dict[str, Any]) -> int:
    """What a contract adds to its institution's liability: its unconsumed fees, while open."""
    return 0 if row["status"] in CLOSED_CONTRACTS else int(row["unconsumed_fen"])


class RiskAlerts(BatchProjection):
    name: ClassVar[str] = "risk_alerts"
    version: ClassVar[int] = 3  # 2: 64-bit positions and fen; 3: complaint surges
    tables: ClassVar[Sequence[Table]] = (
        alerts,
        institutions,
        contracts,
        orders,
        inflows,
        complaints,
        clock,
    )
    types: ClassVar[frozenset[str]] = frozenset(
        {*INSTITUTION_FACTS, *CONTRACT_FACTS, "DayReviewed", "RefundCaseOpened"}
    )

    def __init__(self, pack: RulePack = DEFAULT_RULE_PACK) -> None:
        self.signals = Signals(pack)

    # -- load: everything the batch's facts can touch ----------------------------------------

    def load(self, conn: Connection, facts: Sequence[Fact]) -> None:
        self.contracts: dict[str, dict[str, Any]] = {}
        self.institutions: dict[str, dict[str, Any]] = {}
        self.orders: dict[str, dict[str, Any]] = {}
        self.inflows: dict[str, dict[date, int]] = {}
        self.complaints: dict[str, dict[date, int]] = {}
        self.alerts: dict[str, dict[str, Any]] = {}
        self.open: dict[Key, str] = {}
        self.changed: dict[str, set[Any]] = {
            "contracts": set(),
            "institutions": set(),
            "orders": set(),
            "alerts": set(),
            "inflows": set(),
            "complaints": set(),
        }
        self.gone_orders: set[str] = set()
        self.gone_days: set[tuple[str, date]] = set()
        self.gone_complaint_days: set[tuple[str, date]] = set()
        self.clock_changed = False

        found = conn.execute(select(clock)).mappings().first()
        self.clock_day: date | None = found["reviewed_on"] if found else None
        self.clock_position: int | None = found["position"] if found else None

        contract_ids = {str(f.originator_id) for f in facts if f.type in CONTRACT_FACTS}
        for ids in _chunks(contract_ids):
            for r in conn.execute(select(contracts).where(contracts.c.contract_id.in_(ids))):
                self.contracts[r.contract_id] = dict(r._mapping)
        wanted = {str(f.originator_id) for f in facts if f.type in INSTITUTION_FACTS}
        wanted |= {f.data["institution_id"] for f in facts if f.type == "ContractSigned"}
        wanted |= {
            f.data["to_institution_id"] for f in facts if f.type == "PrepaidLiabilitiesTransferred"
        }
        wanted |= {r["institution_id"] for r in self.contracts.values()}
        wanted |= {f.data["institution_id"] for f in facts if f.type == "RefundCaseOpened"}
        days = [date.fromisoformat(f.data["on"]) for f in facts if f.type == "DayReviewed"]
        if days:
            wanted |= self._reviewed_candidates(conn, max(days))

        for ids in _chunks(wanted):
            for r in conn.execute(
                select(institutions).where(institutions.c.institution_id.in_(ids))
            ):
                self.institutions[r.institution_id] = dict(r._mapping)
            for r in conn.execute(select(orders).where(orders.c.institution_id.in_(ids))):
                self.orders[r.order_id] = dict(r._mapping)
            for r in conn.execute(select(inflows).where(inflows.c.institution_id.in_(ids))):
                self.inflows.setdefault(r.institution_id, {})[r.day] = r.amount_fen
            for r in conn.execute(select(complaints).where(complaints.c.institution_id.in_(ids))):
                self.complaints.setdefault(r.institution_id, {})[r.day] = r.cases
            for r in conn.execute(
                select(alerts).where(
                    alerts.c.institution_id.in_(ids),
                    alerts.c.status == "open",
                    alerts.c.signal.in_(TRACKED),
                )
            ):
                row = dict(r._mapping)
                self.alerts[row["id"]] = row
                self.open[(row["institution_id"], row["signal"], row["subject"] or "")] = row["id"]

    def _reviewed_candidates(self, conn: Connection, latest: date) -> set[str]:
        """Institutions a day review up to ``latest`` can raise, change or resolve alerts of."""
        queries = [
            select(institutions.c.institution_id).where(
                institutions.c.licence_valid_to <= latest + self.signals.warning
            ),
            select(orders.c.institution_id).where(orders.c.deadline < latest),
            select(inflows.c.institution_id).distinct(),
            select(complaints.c.institution_id).distinct(),
            select(alerts.c.institution_id).where(
                alerts.c.status == "open", alerts.c.signal.in_((INFLOW_SPIKE, COMPLAINTS))
            ),
        ]
        return {row[0] for query in queries for row in conn.execute(query)}

    # -- handle: one fact at a time, in memory -----------------------------------------------

    def handle(self, fact: Fact) -> None:
        if fact.type == "DayReviewed":
            self._day_reviewed(fact)
        elif fact.type == "ComplianceBreachDetected":
            self._breach(fact)
        elif fact.type == "RefundCaseOpened":
            self._case_opened(fact)
        elif fact.type in CONTRACT_FACTS:
            self._contract_fact(fact)
        else:
            self._institution_fact(fact)

    def _institution_fact(self, fact: Fact) -> None:
        key, d = str(fact.originator_id), fact.data
        if fact.type == "InstitutionRegistered":
            self.institutions[key] = {
                "institution_id": key,
                "district_code": d["district_code"],
                "licence_status": "registered",
                "licence_no": None,
                "licence_valid_to": None,
                "licence_position": None,
                "escrow_balance_fen": 0,
                "unconsumed_fen": 0,
                "last_paid_on": None,
            }
        inst = self.institutions[key]
        self.changed["institutions"].add(key)
        if fact.type == "LicenceIssued":
            inst["licence_status"] = "licensed"
            inst["licence_no"] = d["licence_no"]
            inst["licence_valid_to"] = date.fromisoformat(d["valid_to"])
            inst["licence_position"] = fact.position
        elif fact.type == "LicenceRenewed":
            inst["licence_valid_to"] = date.fromisoformat(d["valid_to"])
            inst["licence_position"] = fact.position
            if self.clock_day is not None and self._open_alert(inst, LICENCE, inst["licence_no"]):
                self._judge_licence(inst, self.clock_day, fact)
        elif fact.type == "RectificationOrdered":
            self.orders[d["order_id"]] = {
                "order_id": d["order_id"],
                "institution_id": key,
                "deadline": date.fromisoformat(d["deadline"]),
                "position": fact.position,
            }
            self.changed["orders"].add(d["order_id"])
        elif fact.type == "RectificationVerified":
            if d["outcome"] == "completed":
                self._close_order(d["order_id"], fact)
        elif fact.type in LICENCE_ENDS:
            inst["licence_status"] = LICENCE_ENDS[fact.type]
            if inst["licence_no"] is not None:
                self._resolve(inst, LICENCE, inst["licence_no"], fact)
            inst["licence_valid_to"] = None
            if fact.type == "Deregistered":
                # A deregistered institution can no longer be verified: its orders close.
                for order_id in [o for o, r in self.orders.items() if r["institution_id"] == key]:
                    self._close_order(order_id, fact)
            if fact.type == "OperationsCeased" and d["kind"] == "abnormal":
                metrics = {
                    "ceased_on": d["ceased_on"],
                    "reason": d["reason"],
                    "escrow_balance_fen": inst["escrow_balance_fen"],
                    "unconsumed_fen": inst["unconsumed_fen"],
                }
                self._raise(inst, CLOSURE, None, ("red", metrics), fact, [fact.position])

    def _close_order(self, order_id: str, fact: Fact) -> None:
        order = self.orders.pop(order_id, None)
        if order is None:
            return
        self.changed["orders"].discard(order_id)
        self.gone_orders.add(order_id)
        self._resolve(self.institutions[order["institution_id"]], OVERDUE, order_id, fact)

    def _contract_fact(self, fact: Fact) -> None:
        key = str(fact.originator_id)
        before = self.contracts.get(key)
        owner_before = before["institution_id"] if before else None
        escrow_before = before["escrow_balance_fen"] if before else 0
        owed_before = _owed(before) if before else 0
        row = rt.apply_contract_fact(self.contracts, fact)
        row["fact_version"] = fact.version
        self.changed["contracts"].add(key)
        owner = row["institution_id"]
        if owner_before is not None:
            self._add_totals(owner_before, -escrow_before, -owed_before)
        self._add_totals(owner, row["escrow_balance_fen"], _owed(row))
        for institution_id in {owner_before, owner} - {None}:
            self._judge_coverage(self.institutions[str(institution_id)], fact)
        if fact.type == "PrepaidFeeCollected":
            paid_on = datetime.fromisoformat(fact.data["paid_at"]).astimezone(SHANGHAI).date()
            self._record_inflow(self.institutions[owner], paid_on, fact.data["amount_fen"])
            self._judge_inflow(self.institutions[owner], fact)

    def _add_totals(self, institution_id: str, escrow: int, owed: int) -> None:
        inst = self.institutions[institution_id]
        inst["escrow_balance_fen"] += escrow
        inst["unconsumed_fen"] += owed
        self.changed["institutions"].add(institution_id)

    def _breach(self, fact: Fact) -> None:
        key, d = str(fact.originator_id), fact.data
        row = self.contracts[key]
        inst = self.institutions[row["institution_id"]]
        positions = [fact.position]
        if row["fact_version"] == d["event_version"]:  # the fact it was found on, same save
            positions.insert(0, row["position"])
        judged = (self.signals.breach_level(d["rule"]), {"contract_id": key, "detail": d["detail"]})
        rule = (d["rule"], d["rule_version"])
        self._raise(inst, BREACH, key, judged, fact, positions, rule)

    def _day_reviewed(self, fact: Fact) -> None:
        on = date.fromisoformat(fact.data["on"])
        self.clock_day, self.clock_position, self.clock_changed = on, fact.position, True
        for inst in self.institutions.values():
            if inst["licence_valid_to"] is not None:
                self._judge_licence(inst, on, fact)
        for order in list(self.orders.values()):
            if order["deadline"] < on:
                judged = self.signals.overdue(order["order_id"], order["deadline"], on)
                positions = [order["position"], fact.position]
                inst = self.institutions[order["institution_id"]]
                self._judge(inst, OVERDUE, order["order_id"], judged, fact, positions)
        for institution_id in set(self.inflows) | {k[0] for k in self.open if k[1] == INFLOW_SPIKE}:
            self._judge_inflow(self.institutions[institution_id], fact)
        surging = {k[0] for k in self.open if k[1] == COMPLAINTS}
        for institution_id in set(self.complaints) | surging:
            self._judge_complaints(self.institutions[institution_id], fact)

    def _case_opened(self, fact: Fact) -> None:
        inst = self.institutions[fact.data["institution_id"]]
        opened_on = fact.recorded_at.astimezone(SHANGHAI).date()
        days = self.complaints.setdefault(inst["institution_id"], {})
        days[opened_on] = days.get(opened_on, 0) + 1
        self.changed["complaints"].add((inst["institution_id"], opened_on))
        self.gone_complaint_days.discard((inst["institution_id"], opened_on))
        self._judge_complaints(inst, fact)

    # -- the signals -------------------------------------------------------------------------

    def _judge_coverage(self, inst: dict[str, Any], fact: Fact) -> None:
        judged = self.signals.coverage(inst["escrow_balance_fen"], inst["unconsumed_fen"])
        self._judge(inst, COVERAGE, None, judged, fact, [fact.position])

    def _record_inflow(self, inst: dict[str, Any], paid_on: date, amount_fen: int) -> None:
        last = inst["last_paid_on"]
        if last is None or paid_on > last:
            inst["last_paid_on"] = paid_on
        if paid_on < self.signals.horizon(self._as_of(inst)):
            return  # too old to fall in any window from now on
        days = self.inflows.setdefault(inst["institution_id"], {})
        days[paid_on] = days.get(paid_on, 0) + amount_fen
        self.changed["inflows"].add((inst["institution_id"], paid_on))
        self.gone_days.discard((inst["institution_id"], paid_on))

    def _as_of(self, inst: dict[str, Any]) -> date:
        """The day an institution's inflow windows end: the later of the clock and its last
        payment day (a feed reports today's payments before the registry reviews today)."""
        return max(d for d in (self.clock_day, inst["last_paid_on"]) if d is not None)

    def _judge_inflow(self, inst: dict[str, Any], fact: Fact) -> None:
        institution_id, as_of = inst["institution_id"], self._as_of(inst)
        days = self._forget_before(
            self.inflows, "inflows", self.gone_days, institution_id, self.signals.horizon(as_of)
        )
        judged = self.signals.inflow_spike(days, as_of)
        self._judge(inst, INFLOW_SPIKE, None, judged, fact, [fact.position])

    def _judge_complaints(self, inst: dict[str, Any], fact: Fact) -> None:
        """Judge the complaint window ending on the later of the clock and the last case day,
        dropping the days no window will reach again."""
        institution_id = inst["institution_id"]
        last_case_on = max(self.complaints.get(institution_id, {}), default=None)
        as_of = max(d for d in (self.clock_day, last_case_on) if d is not None)
        days = self._forget_before(
            self.complaints,
            "complaints",
            self.gone_complaint_days,
            institution_id,
            self.signals.complaint_horizon(as_of),
        )
        judged = self.signals.complaint_surge(days, as_of)
        self._judge(inst, COMPLAINTS, None, judged, fact, [fact.position])

    def _forget_before(
        self,
        by_institution: dict[str, dict[date, int]],
        table: str,
        gone: set[tuple[str, date]],
        institution_id: str,
        horizon: date,
    ) -> dict[date, int]:
        """An institution's figures by day from ``horizon`` on; earlier days, which no window
        will reach again, are dropped here and from ``table`` at the flush."""
        days = by_institution.get(institution_id, {})
        for day in [d for d in days if d < horizon]:
            del days[day]
            self.changed[table].discard((institution_id, day))
            gone.add((institution_id, day))
        if not days:
            by_institution.pop(institution_id, None)
        return days

    def _judge_licence(self, inst: dict[str, Any], on: date, fact: Fact) -> None:
        judged = self.signals.licence(inst["licence_no"], inst["licence_valid_to"], on)
        positions = [inst["licence_position"], fact.position]
        self._judge(inst, LICENCE, inst["licence_no"], judged, fact, positions)

    # -- alert bookkeeping -------------------------------------------------------------------

    def _open_alert(self, inst: dict[str, Any], signal: str, subject: str | None) -> str | None:
        return self.open.get((inst["institution_id"], signal, subject or ""))

    def _judge(
        self,
        inst: dict[str, Any],
        signal: str,
        subject: str | None,
        judged: Judgement,
        fact: Fact,
        positions: list[int],
    ) -> None:
        """Raise, re-level, refresh or resolve the open alert of a signal on a subject."""
        level, metrics = judged
        found = self._open_alert(inst, signal, subject)
        if found is None:
            if level is not None:
                alert = self._raise(inst, signal, subject, judged, fact, positions)
                self.open[(inst["institution_id"], signal, subject or "")] = alert["id"]
            return
        alert = self.alerts[found]
        if level is None:
            alert["metrics"] = metrics
            self._resolve(inst, signal, subject, fact)
            return
        if level != alert["level"]:
            alert["level"] = level
            alert["event_positions"] = [*alert["event_positions"], fact.position]
        elif metrics == alert["metrics"]:
            return
        alert["metrics"] = metrics
        self.changed["alerts"].add(found)

    def _raise(
        self,
        inst: dict[str, Any],
        signal: str,
        subject: str | None,
        judged: Judgement,
        fact: Fact,
        positions: list[int],
        rule: tuple[str, str] | None = None,
    ) -> dict[str, Any]:
        """A new alert; ``rule`` (id, version) defaults to the signal's risk rule."""
        level, metrics = judged
        rule_id, rule_version = rule or (RULE_OF[signal], self.signals.version)
        alert = {
            "id": alert_id(signal, inst["institution_id"], subject, fact.position),
            "institution_id": inst["institution_id"],
            "district_code": inst["district_code"],
            "signal": signal,
            "subject": subject,
            "level": level,
            "rule": rule_id,
            "rule_version": rule_version,
            "metrics": metrics,
            "event_positions": sorted(set(positions)),
            "raised_at": _utc(fact.recorded_at),
            "raised_position": fact.position,
            "status": "open",
            "resolved_at": None,
            "resolved_position": None,
        }
        self.alerts[alert["id"]] = alert
        self.changed["alerts"].add(alert["id"])
        return alert

    def _resolve(self, inst: dict[str, Any], signal: str, subject: str | None, fact: Fact) -> None:
        found = self.open.pop((inst["institution_id"], signal, subject or ""), None)
        if found is None:
            return
        alert = self.alerts[found]
        alert["status"] = "resolved"
        alert["resolved_at"] = _utc(fact.recorded_at)
        alert["resolved_position"] = fact.position
        self.changed["alerts"].add(found)

    # -- flush: write back what changed ------------------------------------------------------

    def flush(self, conn: Connection) -> None:
        changed = self.changed
        upsert(conn, contracts, [self.contracts[k] for k in changed["contracts"]])
        upsert(conn, institutions, [self.institutions[k] for k in changed["institutions"]])
        for ids in _chunks(self.gone_orders):
            conn.execute(delete(orders).where(orders.c.order_id.in_(ids)))
        upsert(conn, orders, [self.orders[k] for k in changed["orders"]])
        for keys in _chunks(self.gone_days):
            conn.execute(
                delete(inflows).where(tuple_(inflows.c.institution_id, inflows.c.day).in_(keys))
            )
        upsert(
            conn,
            inflows,
            [
                {"institution_id": i, "day": day, "amount_fen": self.inflows[i][day]}
                for i, day in changed["inflows"]
            ],
        )
        for keys in _chunks(self.gone_complaint_days):
            conn.execute(
                delete(complaints).where(
                    tuple_(complaints.c.institution_id, complaints.c.day).in_(keys)
                )
            )
        upsert(
            conn,
            complaints,
            [
                {"institution_id": i, "day": day, "cases": self.complaints[i][day]}
                for i, day in changed["complaints"]
            ],
        )
        if self.clock_changed:
            row = {
                "name": "registry",
                "reviewed_on": self.clock_day,
                "position": self.clock_position,
            }
            upsert(conn, clock, [row])
        upsert(conn, alerts, [self.alerts[k] for k in changed["alerts"]])
