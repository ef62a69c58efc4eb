"""One institution's current public page in one prepared read, past the framework's routing.

The page parents look up most (``GET /v1/public/institutions/{id}`` with no ``as_of`` and no
``known_at``) is one primary-key read of the public register. Answered through the router it
also pays for route matching, dependencies, a worker thread, a connection check-out with its
ping and the row mapping: several times the read itself. ``PageReader`` reads the same row on a
connection of its own pool (PostgreSQL, asynchronously, as a prepared statement), builds the
page with the route's own function (``institution_page``) and renders it with the route's own
response model, so the answer is the route's answer byte for byte. The same pool reads the
read models' positions for the public cache, without a worker thread. The public cache
(``api/public_cache.py``) calls it for a page it does not hold; anything else (another
backend, an institution not in the register, a database that does not answer) goes the
ordinary way, which answers it properly.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from uuid import UUID

import orjson
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import set_json_loads
from psycopg_pool import AsyncConnectionPool
from pydantic import TypeAdapter
from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql

from api.schemas.public import PublicInstitutionPage
from registry.projections import public_register as pub
from registry.projections.base import projection_positions
from registry.projections.public_queries import institution_page
from registry.settings import Settings

log = logging.getLogger(__name__)

PAGE = re.compile(r"/v1/public/institutions/([0-9A-Fa-f-]{32,36})")
PAGE_MODEL = TypeAdapter(PublicInstitutionPage)  # the route's response model
# The route the request log and the metrics name for a page answered here.
ROUTE = "/v1/public/institutions/{institution_id}"


def _postgresql(stmt: Any) -> str:
    """A select of the read models' tables as PostgreSQL text, parameters by name."""
    return str(stmt.compile(dialect=postgresql.psycopg.dialect()))  # type: ignore[no-untyped-call]


# The route's own select of one register row, and the read models' positions.
PAGE_SQL = _postgresql(
    select(pub.institutions).where(pub.institutions.c.id == bindparam("institution_id"))
)
POSITIONS_SQL = _postgresql(select(projection_positions.c.name, projection_positions.c.position))


async def _configure(conn: AsyncConnection[Any]) -> None:
    set_json_loads(orjson.loads, conn)  # the register row's JSON columns, parsed in C


class PageReader:
    """A small pool of its own and one prepared read per page (PostgreSQL only)."""

    def __init__(self, settings: Settings, size: int = 8) -> None:
        libpq = settings.sqlalchemy_url().replace("postgresql+psycopg://", "postgresql://", 1)
        self._pool = AsyncConnectionPool(
            libpq,
            min_size=1,
            max_size=size,
            open=False,
            configure=_configure,
            kwargs={
                "autocommit": True,
                "options": f"-csearch_path={settings.database_schema}",
                "prepare_threshold": 0,  # prepared on a connection's first use
                "row_factory": dict_row,
            },
        )

    async def open(self) -> None:
        await self._pool.open(wait=False)

    async def close(self) -> None:
        await self._pool.close()

    async def positions(self, names: frozenset[str]) -> dict[str, int]:
        """The positions of the read models ``names``, as ``Projector.positions`` answers."""
        async with self._pool.connection(timeout=5) as conn:
            cursor = await conn.execute(POSITIONS_SQL)
            rows: list[dict[str, Any]] = await cursor.fetchall()
        return {r["name"]: r["position"] for r in rows if r["name"] in names}

    async def page(self, path: str) -> bytes | None:
        """The page's JSON if ``path`` is a current page of an institution in the register;
        None for anything the ordinary route should answer (unknown id, database trouble)."""
        found = PAGE.fullmatch(path)
        if found is None:
            return None
        try:
            institution_id = str(UUID(found.group(1)))
        except ValueError:
            return None
        try:
            async with self._pool.connection(timeout=5) as conn:
                cursor = await conn.execute(PAGE_SQL, {"institution_id": institution_id})
                row: dict[str, Any] | None = await cursor.fetchone()
        except Exception:  # the ordinary path answers a database in trouble properly
            log.debug("public page read failed; the route answers it", exc_info=True)
            return None
        if row is None:
            return None
        return PAGE_MODEL.dump_json(PAGE_MODEL.validate_python(institution_page(row)))
