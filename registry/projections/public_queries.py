"""Queries of the read models: what the public, regulators and courts read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, and_, func, or_, select

from registry.domain.clock import SHANGHAI, end_of_day
from registry.domain.errors import NotFound
from registry.projections import public_register as pub
from registry.projections import refund_cases as rc
from registry.projections import refund_tracking as rt
from registry.projections import risk_tables as risk
from registry.projections.base import projection_positions

PUBLIC_FIELDS = (
    "id",
    "name",
    "credit_code",
    "district_code",
    "category",
    "subjects",
    "delivery",
    "licence_no",
    "licence_valid_to",
    "supervision_mode",
    "supervision_bank",
    "status",
    "legitimate",
)


def public_item(row: Any) -> dict[str, Any]:
    """Only the published fields, whatever the row holds."""
    item = {k: row[k] for k in PUBLIC_FIELDS}
    valid_to = item["licence_valid_to"]
    item["licence_valid_to"] = valid_to.isoformat() if isinstance(valid_to, date) else valid_to
    return item


def _name_contains(column: ColumnElement[str], text: str) -> ColumnElement[bool]:
    """``column LIKE %text%`` with LIKE's own wildcards in ``text`` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape="\\")


def _blacklisting(row: Any) -> dict[str, Any] | None:
    """The published blacklist entry joined to a register row, if the institution is listed."""
    if row["listed_on"] is None:
        return None
    return {
        "reasons": list(row["reasons"]),
        "decision_no": row["decision_no"],
        "listed_on": row["listed_on"].isoformat(),
    }


class PublicRegisterSnapshot:
    """The whole public register read in one consistent snapshot, streamed in chunks.

    ``position`` is the public register's log position in that same snapshot, so it is exactly
    the position the rows reflect. Iterating yields the published items (``PUBLIC_FIELDS``) by
    name, fetching ``chunk_size`` rows at a time (a server-side cursor on PostgreSQL, SQLite's
    own stepping otherwise), so memory stays flat whatever the size of the register. The
    connection stays open until the iteration ends or ``close()`` (idempotent) is called.
    """

    def __init__(self, engine: Engine, chunk_size: int) -> None:
        self.chunk_size = chunk_size
        self._conn: Connection | None = engine.connect()
        try:
            self.position = self._begin_snapshot(self._conn)
        except BaseException:
            self.close()
            raise

    def _begin_snapshot(self, conn: Connection) -> int:
        if conn.dialect.name == "postgresql":
            # One snapshot for the position and every row, however long the download takes.
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        else:
            # pysqlite opens no transaction for reads; a deferred BEGIN holds one WAL snapshot
            # from the first read on.
            conn.exec_driver_sql("BEGIN")
        position = conn.execute(
            select(projection_positions.c.position).where(
                projection_positions.c.name == pub.PublicRegister.name
            )
        ).scalar()
        return int(position or 0)

    def chunks(self) -> Iterator[list[dict[str, Any]]]:
        """The published items by name, then id, at most ``chunk_size`` at a time; closes the
        snapshot when done."""
        if self._conn is None:
            return
        t = pub.institutions
        try:
            result = self._conn.execute(
                select(t).order_by(t.c.name, t.c.id),
                execution_options={"yield_per": self.chunk_size},
            ).mappings()
            for rows in result.partitions():
                yield [public_item(r) for r in rows]
        finally:
            self.close()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for chunk in self.chunks():
            yield from chunk

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()


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


class ReadModels:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- public register ---------------------------------------------------------------------

    def search_public(
        self,
        *,
        q: str | None = None,
        district_code: str | None = None,
        category: str | None = None,
        subject: str | None = None,
        status: str | None = None,
        after_name: tuple[str, str] | None = None,
        limit: int = 50,
    ) -> list[dict[str, Any]]:
        """Institutions by name substring and filters; only legitimate ones unless a status is
        asked for. Ordered by name, then id, for stable cursor paging."""
        t = pub.institutions
        where: list[ColumnElement[bool]] = []
        if q:
            escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append(t.c.name.like(f"%{escaped}%", escape="\\"))
        if district_code:
            where.append(t.c.district_code == district_code)
        if category:
            where.append(t.c.category == category)
        if status:
            where.append(t.c.status == status)
        else:
            where.append(t.c.legitimate.is_(True))
        if after_name:
            name, ident = after_name
            where.append(or_(t.c.name > name, and_(t.c.name == name, t.c.id > ident)))
        query = select(t).where(*where).order_by(t.c.name, t.c.id)
        if not subject:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings()
            items = [public_item(r) for r in rows if not subject or subject in r["subjects"]]
        return items[:limit]

    def public_institution(self, institution_id: str, as_of: date | None = None) -> dict[str, Any]:
        """One institution's public page, now or as it stood at the end of ``as_of``."""
        with self.engine.connect() as conn:
            if as_of is None:
                row = (
                    conn.execute(
                        select(pub.institutions).where(pub.institutions.c.id == institution_id)
                    )
                    .mappings()
                    .first()
                )
                if row is None:
                    raise NotFound(f"no institution {institution_id} in the public register")
                item, history, penalties = public_item(row), row["history"], row["penalties"]
            else:
                version = conn.execute(
                    select(pub.versions.c.item, pub.versions.c.position)
                    .where(
                        pub.versions.c.institution_id == institution_id,
                        pub.versions.c.recorded_at <= end_of_day(as_of).astimezone(UTC),
                    )
                    .order_by(pub.versions.c.position.desc())
                    .limit(1)
                ).first()
                if version is None:
                    raise NotFound(
                        f"institution {institution_id} was not in the register on {as_of}"
                    )
                item = public_item(version.item)
                history, penalties = version.item["history"], version.item["penalties"]
            item["status_history"] = list(history)
            item["penalties"] = list(penalties)
        return item

    def search_register(
        self,
        *,
        q: str | None = None,
        district_code: str | None = None,
        category: str | None = None,
        legitimate_only: bool = False,
        after_name: tuple[str, str] | None = None,
        limit: int = 50,
    ) -> list[dict[str, Any]]:
        """Institutions of every status by name substring and filters, for people checking one
        before they pay; each with its blacklist entry, if any, in the same query. Ordered by
        name, then id."""
        t, b = pub.institutions, pub.blacklist
        where: list[ColumnElement[bool]] = []
        if q:
            where.append(_name_contains(t.c.name, q))
        if district_code:
            where.append(t.c.district_code == district_code)
        if category:
            where.append(t.c.category == category)
        if legitimate_only:
            where.append(t.c.legitimate.is_(True))
        if after_name:
            name, ident = after_name
            where.append(or_(t.c.name > name, and_(t.c.name == name, t.c.id > ident)))
        query = (
            select(t, b.c.reasons, b.c.decision_no, b.c.listed_on)
            .select_from(t.outerjoin(b, b.c.institution_id == t.c.id))
            .where(*where)
            .order_by(t.c.name, t.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [
                {**public_item(r), "blacklisting": _blacklisting(r)}
                for r in conn.execute(query).mappings()
            ]

    def blacklist_entry(self, institution_id: str) -> dict[str, Any] | None:
        """The institution's published blacklist entry, or None when it is not listed."""
        b = pub.blacklist
        with self.engine.connect() as conn:
            row = (
                conn.execute(
                    select(b.c.reasons, b.c.decision_no, b.c.listed_on).where(
                        b.c.institution_id == institution_id
                    )
                )
                .mappings()
                .first()
            )
        return _blacklisting(row) if row is not None else None

    def public_register_snapshot(self, chunk_size: int = 1000) -> PublicRegisterSnapshot:
        """The whole public register (every status) and the position it reflects, for export."""
        return PublicRegisterSnapshot(self.engine, chunk_size)

    def blacklist(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(pub.blacklist).order_by(
                    pub.blacklist.c.listed_on.desc(), pub.blacklist.c.name
                )
            ).mappings()
            return [
                {
                    "institution_id": r["institution_id"],
                    "name": r["name"],
                    "credit_code": r["credit_code"],
                    "district_code": r["district_code"],
                    "reasons": list(r["reasons"]),
                    "decision_no": r["decision_no"],
                    "listed_on": r["listed_on"].isoformat(),
                }
                for r in rows
            ]

    def public_district(self, institution_id: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(
                select(pub.institutions.c.district_code).where(
                    pub.institutions.c.id == institution_id
                )
            ).scalar()

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
        figures = ("collected_fen", "consumed_value_fen", "released_fen", "refunded_fen")
        totals = {k: sum(r[k] for r in rows) for k in figures}
        open_rows = [r for r in rows if r["status"] not in ("completed", "terminated")]
        unconsumed = sum(r["unconsumed_fen"] for r in open_rows)
        escrow = sum(r["escrow_balance_fen"] for r in rows)
        return {
            "institution_id": institution_id,
            **totals,
            "unconsumed_fen": unconsumed,
            "escrow_balance_fen": escrow,
            "coverage_ratio": round(escrow / unconsumed, 4) if unconsumed else None,
            "open_contracts": len(open_rows),
            "open_refund_cases": self.open_refund_cases(institution_id),
            "contracts": [
                {
                    "contract_id": r["contract_id"],
                    "status": r["status"],
                    "consumed_lessons": r["consumed_lessons"],
                    **{k: r[k] for k in (*figures, "unconsumed_fen", "escrow_balance_fen")},
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
                    "opened_at": r["opened_at"].isoformat(),
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
