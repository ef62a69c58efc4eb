"""Health: is the database reachable, and how far have the projections got."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text

from api.deps import ServicesDep
from api.schemas.health import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(services: ServicesDep, request: Request) -> Health:
    """Answer 200 when the database answers; show each projection's position and lag."""
    with services.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    positions = services.projector.positions()
    head = services.registry.store.head()
    runner = getattr(request.app.state, "projector_runner", None)
    return Health(
        status="ok",
        database=services.settings.backend,
        projections=positions,
        head=head,
        lag={name: max(0, head - position) for name, position in positions.items()},
        projector="external" if runner is None else ("running" if runner.alive else "stopped"),
    )
