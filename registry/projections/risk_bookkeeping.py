"""What the risk alerts keep between batches, which events they follow, and the alerts' own
bookkeeping.

The judgements (``risk_alerts``) work in memory on the rows a batch can touch: the institutions,
contracts, open rectification orders, payment and complaint days and open alerts of the
``risk_tables``. This loads those rows before a batch (one query per table and chunk of ids, not
one per event), raises, re-levels and resolves alerts as the judgements decide, and writes back
what the batch changed or dropped after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from eventsourcing.domain import DomainEvent
from sqlalchemy import Connection, Table, select

from registry.domain.events import (
    ComplianceBreachDetected,
    ContractSigned,
    DayReviewed,
    PrepaidLiabilitiesTransferred,
    RectificationOrdered,
    RectificationVerified,
    RefundCaseOpened,
)
from registry.projections import refund_tracking as rt
from registry.projections.base import BatchProjection, Fact, upsert
from registry.projections.bulk import among, chunks, delete_keys
from registry.projections.public_register import DECISIONS
from registry.projections.register_day import RegisterDay
from registry.projections.risk_signals import (
    CLOSURE,
    COMPLAINTS,
    COVERAGE,
    EXPIRED,
    INFLOW_SPIKE,
    LICENCE,
    OVERDUE,
    RULE_OF,
    UNSUPERVISED,
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
    risk_day,
)

# Alerts that later facts can change; the others are written once and never read back.
TRACKED = (COVERAGE, INFLOW_SPIKE, OVERDUE, LICENCE, EXPIRED, COMPLAINTS, UNSUPERVISED, CLOSURE)

# The statuses in which an institution's licence has ended (it no longer expires).
LICENCE_ENDED = ("revoked", "ceased", "converted", "deregistered")
# Events of an institution's own stream that the alerts follow: every dated decision (what is
# in force is folded from them by effective dates) and rectification.
INSTITUTION_EVENTS: tuple[type[DomainEvent], ...] = (
    *DECISIONS,
    RectificationOrdered,
    RectificationVerified,
)
# Events of a contract's stream: the ledger figures, and the breaches found on them.
CONTRACT_EVENTS: tuple[type[DomainEvent], ...] = (*rt.CONTRACT_EVENTS, ComplianceBreachDetected)
Key = tuple[str, str, str]  # institution, signal, subject


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


class RiskBookkeeping(BatchProjection):
    """Loads and writes back the state the risk alerts are judged from, and keeps the alerts
    themselves: raised, re-levelled, resolved. Judges nothing."""

    tables: ClassVar[Sequence[Table]] = (
        alerts,
        institutions,
        contracts,
        orders,
        inflows,
        complaints,
        clock,
        risk_day,
    )
    signals: Signals

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
        self.day = RegisterDay(risk_day)
        self.day.load(conn)

        of_contracts, of_institutions = frozenset(CONTRACT_EVENTS), frozenset(INSTITUTION_EVENTS)
        contract_ids = {f.key for f in facts if type(f.event) in of_contracts}
        for ids in chunks(conn, contract_ids):
            query = select(contracts).where(among(conn, contracts.c.contract_id, ids))
            for r in conn.execute(query):
                self.contracts[r.contract_id] = dict(r._mapping)
        events = [f.event for f in facts]
        wanted = {f.key for f in facts if type(f.event) in of_institutions}
        wanted |= {e.institution_id for e in events if isinstance(e, ContractSigned)}
        wanted |= {
            e.to_institution_id for e in events if isinstance(e, PrepaidLiabilitiesTransferred)
        }
        wanted |= {r["institution_id"] for r in self.contracts.values()}
        wanted |= {e.institution_id for e in events if isinstance(e, RefundCaseOpened)}
        days = [date.fromisoformat(e.on) for e in events if isinstance(e, DayReviewed)]
        if days:
            wanted |= self._reviewed_candidates(conn, max(days))

        for ids in chunks(conn, wanted):
            for r in conn.execute(
                select(institutions).where(among(conn, institutions.c.institution_id, ids))
            ):
                self.institutions[r.institution_id] = dict(r._mapping)
            for r in conn.execute(select(orders).where(among(conn, orders.c.institution_id, ids))):
                self.orders[r.order_id] = dict(r._mapping)
            for r in conn.execute(
                select(inflows).where(among(conn, inflows.c.institution_id, ids))
            ):
                self.inflows.setdefault(r.institution_id, {})[r.day] = r.amount_fen
            for r in conn.execute(
                select(complaints).where(among(conn, complaints.c.institution_id, ids))
            ):
                self.complaints.setdefault(r.institution_id, {})[r.day] = r.cases
            for r in conn.execute(
                select(alerts).where(
                    among(conn, alerts.c.institution_id, ids),
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
            select(institutions.c.institution_id).where(institutions.c.next_change_on <= latest),
            select(orders.c.institution_id).where(orders.c.deadline < latest),
            select(inflows.c.institution_id).distinct(),
            select(complaints.c.institution_id).distinct(),
            select(alerts.c.institution_id).where(
                alerts.c.status == "open", alerts.c.signal.in_((INFLOW_SPIKE, COMPLAINTS))
            ),
        ]
        return {row[0] for query in queries for row in conn.execute(query)}

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
        delete_keys(conn, orders, ["order_id"], [(order_id,) for order_id in self.gone_orders])
        upsert(conn, orders, [self.orders[k] for k in changed["orders"]])
        delete_keys(conn, inflows, ["institution_id", "day"], self.gone_days)
        upsert(
            conn,
            inflows,
            [
                {"institution_id": i, "day": day, "amount_fen": self.inflows[i][day]}
                for i, day in changed["inflows"]
            ],
        )
        delete_keys(conn, complaints, ["institution_id", "day"], self.gone_complaint_days)
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
        self.day.flush(conn)
        upsert(conn, alerts, [self.alerts[k] for k in changed["alerts"]])
