"""SQLAlchemy wiring for the registry's own tables beside the event store.

API keys and idempotency records live in the same database as the events (a SQLite file or a
PostgreSQL schema), so they survive restarts and move with the data.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    inspect,
    text,
)

from registry.settings import Settings

metadata = MetaData()

api_keys = Table(
    "registry_api_keys",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("districts", JSON, nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    # Added later: a database made before has them added by ``create_tables``.
    Column("expires_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
)

idempotency_records = Table(
    "registry_idempotency",
    metadata,
    Column("principal_id", String(64), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", BigInteger),
    Column("response", JSON),
    # When the request holding the key claimed it, and its token (a retry may take it over).
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("claim", String(32)),
)

# How far each process that reacts to events has read the notification log.
process_positions = Table(
    "registry_process_positions",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)


def create_db_engine(settings: Settings) -> Engine:
    """An engine on the configured database; on PostgreSQL, bound to the configured schema."""
    kwargs: dict[str, Any] = {"future": True}
    if settings.backend == "postgresql":
        kwargs["connect_args"] = {"options": f"-csearch_path={settings.database_schema}"}
        # As many connections as the API has worker threads (anyio's 40), opened only when
        # needed and then kept: a pool smaller than the concurrency opens and closes a
        # PostgreSQL connection (a server process) for every request above it.
        kwargs["pool_size"] = 40
        kwargs["max_overflow"] = 0
        kwargs["pool_pre_ping"] = True
    else:
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    engine = create_engine(settings.sqlalchemy_url(), **kwargs)
    if settings.backend == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

    return engine


def create_tables(engine: Engine) -> None:
    metadata.create_all(engine)
    add_missing_columns(engine, api_keys)
    add_missing_columns(engine, idempotency_records)


def add_missing_columns(engine: Engine, table: Table) -> None:
    """Add the nullable columns a table gained since the database was made."""
    present = {c["name"] for c in inspect(engine).get_columns(table.name)}
    missing = [c for c in table.columns if c.name not in present]
    if not missing:
        return
    with engine.begin() as conn:
        for column in missing:
            kind = column.type.compile(engine.dialect)
            conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}")


@contextmanager
def one_setup_at_a_time(engine: Engine, settings: Settings) -> Iterator[None]:
    """Let one process at a time create or check the tables of a database.

    ``CREATE TABLE IF NOT EXISTS`` (the library's) and SQLAlchemy's check-then-create fail
    ("tuple concurrently updated", "table already exists") when two processes start on the
    same database at once, as ``registry project --only`` for each read model does: processes
    starting together take turns, on PostgreSQL by an advisory lock of the schema, on SQLite by
    a lock on a file beside the database (``registry.db.setup-lock``).
    """
    if settings.backend != "postgresql":
        with open(settings.sqlite_path() + ".setup-lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return
    key = f"registry setup {settings.database_schema}"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("SELECT pg_advisory_lock(hashtext(:key))"), {"key": key})
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(hashtext(:key))"), {"key": key})
