"""Queries of the read models: what the public, regulators and courts read.

The public register's own queries are in ``public_queries``; these add refund tracking, refund
cases and risk alerts, which only keyed callers (regulators, courts) read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

from registry.domain.clock import SHANGHAI
from registry.projections import public_register as pub
from registry.projections import refund_cases as rc
from registry.projections import refund_tracking as rt
from registry.projections import risk_tables as risk
from registry.projections.public_queries import (
    PUBLIC_FIELDS,
    PublicQueries,
    PublicRegisterSnapshot,
    public_item,
)

__all__ = [
    "PUBLIC_FIELDS",
    "PublicRegisterSnapshot",
    "ReadModels",
    "public_item",
    "risk_alert_item",
]


def _moment(value: datetime | None) -> str | None:
    """A stored instant as ISO 8601 in Asia/Shanghai (SQLite hands it back naive, in UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(SHANGHAI).isoformat()


def risk_alert_item(row: Any) -> dict[str, Any]:
    """An alert as regulators read it."""
    return {
        "id": row["id"],
        "institution_id": row["institution_id"],
        "district_code": row["district_code"],
        "signal": row["signal"],
        "subject": row["subject"],
        "level": row["level"],
        "rule": row["rule"],
        "rule_version": row["rule_version"],
        "metrics": dict(row["metrics"]),
        "event_positions": list(row["event_positions"]),
        "raised_at": _moment(row["raised_at"]),
        "status": row["status"],
        "resolved_at": _moment(row["resolved_at"]),
    }


def _still_owing(row: dict[str, Any]) -> bool:
    """Open, or terminated while something is still owed (until refunded or transferred)."""
    if row["status"] == "terminated":
        return bool(row["unconsumed_fen"])
    return bool(row["status"] != "completed")


class ReadModels(PublicQueries):
    """Every query of the read models: the public register's, and the regulators' below."""

    # -- refund tracking ---------------------------------------------------------------------

    def refund_tracking(self, institution_id: str) -> dict[str, Any]:
        """Money figures of an institution's contracts, and their totals."""
        c = rt.contracts
        with self.engine.connect() as conn:
            rows = [
                dict(r)
                for r in conn.execute(
                    select(c).where(c.c.institution_id == institution_id).order_by(c.c.contract_id)
                ).mappings()
            ]
            found = conn.execute(
                select(
                    risk.institutions.c.reserve_fen, risk.institutions.c.supervision_ended
                ).where(risk.institutions.c.institution_id == institution_id)
            ).first()
        reserve = found.reserve_fen if found else 0
        ended = found.supervision_ended if found else None
        figures = ("collected_fen", "consumed_value_fen", "released_fen", "refunded_fen")
        totals = {k: sum(r[k] for r in rows) for k in figures}
        # A terminated contract still owes its unconsumed fees until refunded or transferred.
        open_rows = [r for r in rows if _still_owing(r)]
        unconsumed = sum(r["unconsumed_fen"] for r in open_rows)
        escrow = sum(r["escrow_balance_fen"] for r in rows)
        # Once the fund supervision has ended (and none is in place again) nothing is held.
        held = 0 if ended else escrow + reserve
        return {
            "institution_id": institution_id,
            **totals,
            "unconsumed_fen": unconsumed,
            "escrow_balance_fen": escrow,
            "reserve_fen": reserve,
            "coverage_ratio": round(held / unconsumed, 4) if unconsumed else None,
            "supervision_ended_on": ended["ended_on"] if ended else None,
            "open_contracts": len(open_rows),
            "open_refund_cases": self.open_refund_cases(institution_id),
            "contracts": [
                {
                    "contract_id": r["contract_id"],
                    "status": r["status"],
                    "consumed_lessons": r["consumed_lessons"],
                    **{k: r[k] for k in (*figures, "unconsumed_fen", "escrow_balance_fen")},
                    "blocks": [
                        {
                            "amount_fen": b.amount_fen,
                            "paid_lessons": b.paid_lessons,
                            "gift_lessons": b.gift_lessons,
                        }
                        for b in rt.blocks_of(r)
                    ],
                    "coverage_ratio": (
                        round(r["escrow_balance_fen"] / r["unconsumed_fen"], 4)
                        if r["unconsumed_fen"]
                        else None
                    ),
                }
                for r in rows
            ],
        }

    # -- refund cases ------------------------------------------------------------------------

    def open_refund_cases(self, institution_id: str) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(rc.cases)
                    .where(
                        rc.cases.c.institution_id == institution_id, rc.cases.c.status.in_(rc.OPEN)
                    )
                ).scalar()
                or 0
            )

    def refund_cases(
        self,
        *,
        districts: list[str] | None,
        institution_id: str | None = None,
        status: str | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> list[dict[str, Any]]:
        """Cases, newest first by opening position; ``districts`` None means every district."""
        t = rc.cases
        where: list[ColumnElement[bool]] = []
        if districts is not None:
            where.append(t.c.district_code.in_(districts))
        if institution_id:
            where.append(t.c.institution_id == institution_id)
        if status:
            where.append(t.c.status == status)
        if after:
            where.append(t.c.case_id > after)
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t).where(*where).order_by(t.c.case_id).limit(limit)
            ).mappings()
            return [
                {
                    "id": r["case_id"],
                    "institution_id": r["institution_id"],
                    "district_code": r["district_code"],
                    "status": r["status"],
                    "source": r["source"],
                    "claim_fen": r["claim_fen"],
                    "assessed_fen": r["assessed_fen"],
                    "paid_fen": r["paid_fen"],
                    "opened_at": _moment(r["opened_at"]),
                }
                for r in rows
            ]

    # -- risk alerts -------------------------------------------------------------------------

    def risk_alerts(
        self,
        *,
        district_codes: list[str] | None,
        level: str | None = None,
        status: str | None = None,
        institution_id: str | None = None,
        limit: int = 50,
        cursor_after: tuple[int, str] | None = None,
    ) -> tuple[list[dict[str, Any]], tuple[int, str] | None]:
        """Alerts, newest first (by the position that raised them); ``district_codes`` None
        means every district. Answers a page and the key to continue after, if there is more."""
        t = risk.alerts
        where: list[ColumnElement[bool]] = []
        if district_codes is not None:
            where.append(t.c.district_code.in_(district_codes))
        if level:
            where.append(t.c.level == level)
        if status:
            where.append(t.c.status == status)
        if institution_id:
            where.append(t.c.institution_id == institution_id)
        if cursor_after:
            position, ident = cursor_after
            where.append(
                or_(
                    t.c.raised_position < position,
                    and_(t.c.raised_position == position, t.c.id < ident),
                )
            )
        query = (
            select(t)
            .where(*where)
            .order_by(t.c.raised_position.desc(), t.c.id.desc())
            .limit(limit + 1)
        )
        with self.engine.connect() as conn:
            rows = list(conn.execute(query).mappings())
        page = rows[:limit]
        after = (page[-1]["raised_position"], page[-1]["id"]) if len(rows) > limit else None
        return [risk_alert_item(r) for r in page], after

    def count(self, table_name: str) -> int:
        table = {t.name: t for t in (pub.institutions, rt.contracts)}[table_name]
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)
