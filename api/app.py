"""``create_app(settings)``: the FastAPI application, its services opened for its lifetime."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from api import observability
from api.deps import Waiters
from api.errors import install_error_handlers
from api.guard import Guard
from api.openapi import install_openapi
from api.public_cache import PublicCache
from api.public_pages import PageReader
from api.routes import (
    admin_keys,
    calendars,
    contracts,
    feed_batches,
    health,
    institutions,
    integrity,
    public,
    refund_cases,
    views,
    web,
)
from registry.bootstrap import Services, build_services
from registry.runner import ProjectorRunner
from registry.settings import Settings


def create_app(
    settings: Settings, services: Services | None = None, run_projector: bool = True
) -> FastAPI:
    """Build the API; ``services`` lets a caller share already-open services (tests, CLI).

    With ``run_projector`` the projector runs in this process; without it another process
    (``registry project``) keeps the read models up to date.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = services is None
        app.state.services = services or build_services(settings)
        app.state.projector_runner = None
        # Current public pages in one prepared read, past the router (PostgreSQL).
        reader = None
        if app.state.services.settings.backend == "postgresql":
            reader = PageReader(app.state.services.settings)
            await reader.open()
        app.state.page_reader = reader
        if run_projector:
            app.state.projector_runner = ProjectorRunner(app.state.services)
            app.state.projector_runner.start()
        try:
            yield
        finally:
            if app.state.projector_runner is not None:
                app.state.projector_runner.stop()
            if reader is not None:
                await reader.close()
            if owned:
                app.state.services.close()

    # /docs and /redoc with Swagger UI and ReDoc from the fastapi-offline package: no CDN.
    app = FastAPIOffline(
        title="Training Institution Registry",
        summary="校外培训机构监管登记系统: the register of off-campus training institutions",
        version="1.0.0",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.state.consistency_waiters = Waiters(settings.max_consistency_waiters)
    # Public reads answered from memory while the read models stay where they were.
    app.add_middleware(PublicCache, positions=_positions_of)
    # Outermost: limits, throttles and the key before anything reads the request.
    app.add_middleware(Guard, settings=settings)
    app.include_router(health.router)
    app.include_router(admin_keys.router)
    app.include_router(institutions.router)
    app.include_router(contracts.router)
    app.include_router(feed_batches.router)
    app.include_router(refund_cases.router)
    app.include_router(views.router)
    app.include_router(public.router)
    app.include_router(integrity.router)
    app.include_router(calendars.router)
    web.install(app)
    install_openapi(app)
    # Outermost: /metrics, request ids and the one log line per request see every request.
    observability.install(app, settings.log_level, settings.log_format)
    return app


def _positions_of(app: FastAPI) -> Callable[[], Awaitable[dict[str, int]]]:
    """How the public cache reads the read models' positions: on the page reader's pool when
    there is one, else in a worker thread through the projector."""
    projector = app.state.services.projector
    reader: PageReader | None = app.state.page_reader
    if reader is not None:
        names = frozenset(projector.projections)
        return lambda: reader.positions(names)
    return lambda: anyio.to_thread.run_sync(projector.positions)
