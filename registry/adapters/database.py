"""What the database drivers raise while the database is down, restarting or unreachable.

The API answers these with 503 and ``Retry-After``; the projector waits and tries again. Both
go on by themselves once the database is back (connections are checked before use).
"""

from __future__ import annotations

import psycopg
import psycopg_pool
import sqlalchemy.exc
from eventsourcing import persistence

DATABASE_DOWN: tuple[type[Exception], ...] = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    psycopg_pool.PoolTimeout,
    persistence.OperationalError,
    persistence.InterfaceError,
)


def database_down(error: BaseException | None) -> bool:
    """Whether ``error``, or an error it was raised from, says the database is unavailable."""
    while error is not None:
        if isinstance(error, DATABASE_DOWN):
            return True
        error = error.__cause__ or error.__context__
    return False
