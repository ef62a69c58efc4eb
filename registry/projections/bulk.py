"""Writing a batch's rows in one statement per table, the cheapest way each database offers.

PostgreSQL: the rows go as one array per column, and ``INSERT ... SELECT * FROM unnest(...)``
turns them back into rows on the server: one statement, one round trip, whatever the number of
rows (psycopg sends a list as one array; the statement casts each to its column's type).
SQLite: one prepared statement run for every row by the driver's ``executemany``, with the
values converted by SQLAlchemy's own type processors beforehand.

Either way the stored values read back as those SQLAlchemy's ``insert`` would store (JSON
text, dates and times as the dialect keeps them), without SQLAlchemy compiling
and converting parameters row by row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

import orjson
from sqlalchemy import JSON, ColumnElement, Connection, Table, any_, bindparam, delete, tuple_
from sqlalchemy.dialects import postgresql

Convert = Callable[[Any], Any] | None
# Where ``together`` keeps the writes it holds back, in the connection's ``info``.
QUEUE = "registry.bulk.queue"
# Values per ``IN (...)`` list where the database takes no arrays (SQLite).
CHUNK = 1000


def among(conn: Connection, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """``column IN (values)``: on PostgreSQL ``column = ANY(%s)`` with the values as one array,
    one statement text however many there are (compiled once, prepared by the driver); an
    ``IN`` list elsewhere."""
    if conn.dialect.name == "postgresql":
        array = postgresql.ARRAY(column.type)
        found: ColumnElement[bool] = column == any_(bindparam(None, list(values), type_=array))
        return found
    in_list: ColumnElement[bool] = column.in_(list(values))
    return in_list


def chunks(conn: Connection, values: Iterable[Any]) -> Iterable[list[Any]]:
    """The values, in order, in as few lists as ``among`` takes: one on PostgreSQL, lists of
    ``CHUNK`` elsewhere."""
    ordered = sorted(values)
    size = len(ordered) if conn.dialect.name == "postgresql" else CHUNK
    for i in range(0, len(ordered), max(size, 1)):
        yield ordered[i : i + size]


def upsert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows, replacing those whose primary key exists (the last row of a key wins)."""
    if not rows:
        return
    keys = [c.name for c in table.primary_key.columns]
    unique = list({tuple(r[k] for k in keys): r for r in rows}.values())
    _write(conn, table, unique, replace=True)


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (a key already there is an error, as with a plain ``INSERT``)."""
    if rows:
        _write(conn, table, rows, replace=False)


@contextmanager
def together(conn: Connection) -> Iterator[None]:
    """On PostgreSQL, the writes of this module made inside the block are sent when it ends,
    in their order, all in one pipeline: one round trip for them all, not one each (they answer
    nothing that is read before). Nothing is sent if the block raises. Elsewhere they run at
    once."""
    if conn.dialect.name != "postgresql":
        yield
        return
    queue: list[tuple[str, tuple[list[Any], ...]]] = []
    conn.info[QUEUE] = queue
    try:
        yield
    finally:
        conn.info.pop(QUEUE, None)
    _send_all(conn, queue)


def send_held(conn: Connection) -> None:
    """Send now the writes ``together`` holds back so far: a read that must see them (the
    next chunk of a day's review reads the rows the part before it wrote) comes next."""
    queue = conn.info.get(QUEUE)
    if queue:
        _send_all(conn, queue)
        queue.clear()


def _send_all(conn: Connection, queue: Sequence[tuple[str, tuple[list[Any], ...]]]) -> None:
    if queue:
        driver = conn.connection.driver_connection
        with driver.pipeline(), driver.cursor() as cursor:  # type: ignore[union-attr]
            for sql, arrays in queue:
                cursor.execute(sql, arrays)


def _write(conn: Connection, table: Table, rows: Sequence[dict[str, Any]], replace: bool) -> None:
    names = [c.name for c in table.columns]
    if conn.dialect.name == "postgresql":
        json_columns = _json_columns(table)
        arrays = tuple(
            [_json(r.get(n)) for r in rows] if n in json_columns else [r.get(n) for r in rows]
            for n in names
        )
        _send(conn, _postgres_sql(table, replace), arrays)
        return
    pairs = list(zip(names, _bind_processors(conn.dialect, table), strict=True))
    values = [tuple(r.get(n) if f is None else f(r.get(n)) for n, f in pairs) for r in rows]
    conn.exec_driver_sql(_sqlite_sql(table, replace), values)


def delete_keys(
    conn: Connection, table: Table, columns: Sequence[str], keys: Iterable[tuple[Any, ...]]
) -> None:
    """Delete the rows whose ``columns`` hold one of ``keys`` (a tuple of values each). On
    PostgreSQL one statement with one array per column, held back like the writes inside
    ``together``; elsewhere ``IN`` lists of ``CHUNK`` keys."""
    ordered = sorted(set(keys))
    if not ordered:
        return
    if conn.dialect.name == "postgresql":
        arrays = tuple([key[i] for key in ordered] for i in range(len(columns)))
        _send(conn, _postgres_delete_sql(table, tuple(columns)), arrays)
        return
    chosen = [table.c[name] for name in columns]
    for i in range(0, len(ordered), CHUNK):
        chunk = ordered[i : i + CHUNK]
        if len(chosen) == 1:
            where = chosen[0].in_([key[0] for key in chunk])
        else:
            where = tuple_(*chosen).in_(chunk)
        conn.execute(delete(table).where(where))


def _send(conn: Connection, sql: str, arrays: tuple[list[Any], ...]) -> None:
    """Run a statement now, or at the end of ``together`` when inside it."""
    queue = conn.info.get(QUEUE)
    if queue is not None:
        queue.append((sql, arrays))
    else:
        conn.exec_driver_sql(sql, arrays)


@cache
def _postgres_delete_sql(table: Table, columns: tuple[str, ...]) -> str:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    types = [table.c[name].type.compile(dialect=dialect) for name in columns]
    arrays = ", ".join(f"%b::{t}[]" for t in types)
    return (
        f"DELETE FROM {table.name} WHERE ({', '.join(columns)}) IN (SELECT * FROM unnest({arrays}))"
    )


def _json(value: Any) -> str:
    """JSON text of a value: ``orjson``'s, or the standard library's for what orjson refuses
    (keys that are not text); the same value either way when read back."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value)


@cache
def _json_columns(table: Table) -> frozenset[str]:
    return frozenset(c.name for c in table.columns if isinstance(c.type, JSON))


def _on_conflict(table: Table, excluded: str) -> str:
    keys = [c.name for c in table.primary_key.columns]
    others = [c.name for c in table.columns if c.name not in keys]
    if not others:
        return f" ON CONFLICT ({', '.join(keys)}) DO NOTHING"
    updates = ", ".join(f"{n} = {excluded}.{n}" for n in others)
    return f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"


@cache
def _postgres_sql(table: Table, replace: bool) -> str:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    names = ", ".join(c.name for c in table.columns)
    arrays = ", ".join(f"%b::{c.type.compile(dialect=dialect)}[]" for c in table.columns)
    sql = f"INSERT INTO {table.name} ({names}) SELECT * FROM unnest({arrays})"
    return sql + (_on_conflict(table, "EXCLUDED") if replace else "")


@cache
def _sqlite_sql(table: Table, replace: bool) -> str:
    names = ", ".join(c.name for c in table.columns)
    marks = ", ".join("?" for _ in table.columns)
    sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
    return sql + (_on_conflict(table, "excluded") if replace else "")


@cache
def _bind_processors(dialect: Any, table: Table) -> list[Convert]:
    """SQLAlchemy's bind processors of the table's columns for this dialect (None: as is)."""
    return [c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.columns]
