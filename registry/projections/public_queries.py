"""Queries of the public register: what parents, the press and open-data users read.

Only published fields leave here (``PUBLIC_FIELDS``); the regulators' read models extend these
queries in ``queries``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, and_, or_, select

from registry.domain.clock import SHANGHAI
from registry.domain.errors import NotFound
from registry.projections import public_register as pub
from registry.projections.base import projection_positions
from registry.projections.public_items import decisions_of, published

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


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def public_item(row: Any) -> dict[str, Any]:
    """Only the published fields, whatever the row holds."""
    item = {k: row[k] for k in PUBLIC_FIELDS}
    item["licence_valid_to"] = _iso(item["licence_valid_to"])
    return item


def institution_page(
    row: Any, as_of: date | None = None, known_at: datetime | None = None
) -> dict[str, Any]:
    """The public page of a register row (or of a dated version of it): the row's standing,
    or the standing its decisions give at the end of ``as_of`` as known at ``known_at``."""
    if as_of is not None:
        found = published(decisions_of(row), as_of, known_at)
        if found is None:
            raise NotFound(
                f"institution {row['id']} was not yet in the register on {as_of.isoformat()}"
            )
        row = {**row, **found}
    item = public_item(row)
    item["blacklisting"] = row.get("blacklisting")
    item["registered_on"] = _iso(row["registered_on"])
    item["as_of"] = as_of.isoformat() if as_of else None
    item["known_at"] = known_at.isoformat() if known_at else None
    item["status_history"] = list(row["history"])
    item["penalties"] = list(row["penalties"])
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

    def __init__(self, engine: Engine, chunk_size: int, as_of: date | None = None) -> None:
        self.chunk_size = chunk_size
        # With ``as_of``: each institution as in force at the end of that day, by the effective
        # dates of its decisions as known now; those not yet in the register are left out.
        self.as_of = as_of
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
                yield [item for item in map(self._item, rows) if item is not None]
        finally:
            self.close()

    def _item(self, row: Any) -> dict[str, Any] | None:
        if self.as_of is None:
            return public_item(row)
        found = published(decisions_of(row), self.as_of)
        return None if found is None else public_item({**row, **found})

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for chunk in self.chunks():
            yield from chunk

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()


class PublicQueries:
    """The public register's queries over the read-model engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

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

    def public_institution(
        self, institution_id: str, as_of: date | None = None, known_at: datetime | None = None
    ) -> dict[str, Any]:
        """One institution's public page: in force on the register's day, or at the end of
        ``as_of`` by the decisions' effective dates; as recorded now, or by ``known_at`` (then
        ``as_of`` defaults to that moment's day). One row read either way."""
        with self.engine.connect() as conn:
            if known_at is None:
                row: Any = (
                    conn.execute(
                        select(pub.institutions).where(pub.institutions.c.id == institution_id)
                    )
                    .mappings()
                    .first()
                )
                if row is None:
                    raise NotFound(f"no institution {institution_id} in the public register")
            else:
                version = conn.execute(
                    select(pub.versions.c.item)
                    .where(
                        pub.versions.c.institution_id == institution_id,
                        pub.versions.c.recorded_at <= known_at.astimezone(UTC),
                    )
                    .order_by(pub.versions.c.position.desc())
                    .limit(1)
                ).first()
                if version is None:
                    raise NotFound(
                        f"institution {institution_id} was not yet recorded in the register "
                        f"at {known_at.isoformat()}"
                    )
                row = version.item
                as_of = as_of or known_at.astimezone(SHANGHAI).date()
        return institution_page(row, as_of, known_at)

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

    def public_register_snapshot(
        self, chunk_size: int = 1000, as_of: date | None = None
    ) -> PublicRegisterSnapshot:
        """The whole public register (every status) and the position it reflects, for export;
        with ``as_of``, as in force at the end of that day."""
        return PublicRegisterSnapshot(self.engine, chunk_size, as_of)

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
