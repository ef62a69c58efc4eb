"""Databases for every test: a fresh SQLite file always, a fresh PostgreSQL schema when reachable.

PostgreSQL comes from ``REGISTRY_TEST_DATABASE_URL`` (CI sets it), else from testcontainers when
a Docker engine answers, else the PostgreSQL cases are skipped with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from registry.bootstrap import Services, build_services
from registry.settings import Settings

_container_url: str | None = None


def _postgres_url() -> str | None:
    global _container_url
    url = os.environ.get("REGISTRY_TEST_DATABASE_URL")
    if url:
        return url
    if _container_url is None:
        try:
            from testcontainers.postgres import PostgresContainer

            container = PostgresContainer("postgres:15", driver=None)
            container.start()
        except Exception:  # no Docker engine here: the PostgreSQL cases skip
            _container_url = ""
        else:
            _container_url = container.get_connection_url()
    return _container_url or None


def _drop_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(
        url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path) -> Iterator[Settings]:
    """Settings for a database nobody else uses: a new SQLite file or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield Settings(
            database_url=f"sqlite:///{tmp_path / 'registry.db'}",
            signing_key_file=str(tmp_path / "signing-key.pem"),
        )
        return
    url = _postgres_url()
    if url is None:
        pytest.skip("no PostgreSQL: set REGISTRY_TEST_DATABASE_URL or run a Docker engine")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield Settings(
        database_url=url,
        database_schema=schema,
        signing_key_file=str(tmp_path / "signing-key.pem"),
    )
    _drop_schema(url, schema)


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    built = build_services(settings)
    yield built
    built.close()
