"""The composition root: builds everything the API and the CLI need from one ``Settings``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine

from registry.adapters.checkpoints import Checkpoints  # noqa: TC001 (a field of Services)
from registry.adapters.idempotency import IdempotencyStore
from registry.adapters.keys import KeyStore
from registry.adapters.store import create_db_engine, create_tables, one_setup_at_a_time
from registry.application.registry import Registry
from registry.projections.base import Projection
from registry.projections.feed import ChangeFeed
from registry.projections.projector import Projector
from registry.projections.public_register import PublicRegister
from registry.projections.queries import ReadModels
from registry.projections.refund_cases import RefundCases
from registry.projections.refund_tracking import RefundTracking
from registry.projections.regulator_list import RegulatorList
from registry.projections.risk_alerts import RiskAlerts
from registry.projections.stream_districts import StreamDistricts
from registry.settings import Settings


@dataclass
class Services:
    settings: Settings
    engine: Engine
    registry: Registry
    keys: KeyStore
    idempotency: IdempotencyStore
    projector: Projector
    views: ReadModels
    feed: ChangeFeed
    checkpoints: Checkpoints

    def close(self) -> None:
        self.registry.close()
        self.engine.dispose()


def build_services(settings: Settings, only: Sequence[str] | None = None) -> Services:
    """Open the database (creating tables on first use) and wire the application.

    ``only`` names the read models this process's projector keeps (``registry project
    --only``); by default it keeps them all. Each read model has its own position, so
    processes keeping different read models run side by side.
    """
    engine = create_db_engine(settings)
    with one_setup_at_a_time(engine, settings):
        if settings.backend == "postgresql" and settings.database_schema != "public":
            with engine.begin() as conn:
                conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{settings.database_schema}"')
        create_tables(engine)
        registry = Registry(settings, engine)
        projector = Projector(registry.store, engine, chosen_projections(only))
        projector.setup()
    return Services(
        settings=settings,
        engine=engine,
        registry=registry,
        keys=KeyStore(engine, settings.key_check_seconds),
        idempotency=IdempotencyStore(engine, settings.idempotency_takeover_seconds),
        projector=projector,
        views=ReadModels(read_engine(engine)),
        feed=ChangeFeed(registry.store, engine, projector),
        checkpoints=registry.checkpoints,
    )


def all_projections() -> list[Projection]:
    """Every read model the projector maintains."""
    return [
        PublicRegister(),
        RefundTracking(),
        StreamDistricts(),
        RefundCases(),
        RiskAlerts(),
        RegulatorList(),
    ]


def chosen_projections(only: Sequence[str] | None) -> list[Projection]:
    """The read models named in ``only`` (all when ``None``); an unknown name is a ValueError."""
    every = all_projections()
    if only is None:
        return every
    known = {p.name for p in every}
    unknown = sorted(set(only) - known)
    if unknown:
        raise ValueError(
            f"no projection {', '.join(map(repr, unknown))}; there are {', '.join(sorted(known))}"
        )
    return [p for p in every if p.name in only]


def read_engine(engine: Engine) -> Engine:
    """The engine the read models are queried through: on PostgreSQL without a transaction.

    Under READ COMMITTED every statement takes its own snapshot, in a transaction or not, so
    autocommit reads see exactly the same; they save the BEGIN and ROLLBACK round trips of
    each query. (The register download still takes one REPEATABLE READ snapshot.)
    """
    if engine.dialect.name != "postgresql":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")
