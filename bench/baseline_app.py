"""The baselines the registry is measured against, in the same run on the same machine.

Two minimal FastAPI endpoints on the same PostgreSQL database (``BENCH_DATABASE_URL``,
``BENCH_DATABASE_SCHEMA``), served by the same uvicorn as ``registry serve``:

- ``POST /baseline/events``: saves one new event through the ``eventsourcing`` library (its own
  PostgreSQL recorder, an application of its own): no auth, no idempotency, no read, no rules;
- ``GET /baseline/institutions/{id}``: one primary-key select of a public register row through
  SQLAlchemy Core, answered as JSON: no cache, no filters, no extra queries;
- ``GET /baseline/ceiling/{id}``: no database at all, a small JSON answer from memory: what
  the framework and the server can do on this machine, the ceiling of any page.

    uvicorn --factory bench.baseline_app:create --host 127.0.0.1 --port 8001
"""

from __future__ import annotations

import os
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from fastapi import FastAPI, HTTPException
from sqlalchemy import select

from registry.adapters.store import create_db_engine
from registry.projections.public_register import institutions
from registry.settings import Settings


class Note(Aggregate):
    @event("Written")
    def __init__(self, text: str) -> None:
        self.text = text


class Baseline(Application[UUID]):
    name = "BenchBaseline"


def create() -> FastAPI:
    settings = Settings(
        database_url=os.environ["BENCH_DATABASE_URL"],
        database_schema=os.environ.get("BENCH_DATABASE_SCHEMA", "public"),
    )
    env = settings.eventsourcing_env()
    env.pop("APPLICATION_RECORDER_TOPIC", None)  # the library's own recorder
    store = Baseline(env=env)
    engine = create_db_engine(settings)
    app = FastAPI()

    @app.post("/baseline/events", status_code=201)
    def write_one_event() -> dict[str, Any]:
        note = Note(text="an inspection was recorded")
        recordings = store.save(note)
        return {"id": str(note.id), "position": recordings[-1].notification.id}

    @app.get("/baseline/ceiling/{institution_id}")
    async def no_database(institution_id: str) -> dict[str, Any]:
        return {"id": institution_id, "name": "北京市海淀区星火教育培训学校", "legitimate": True}

    @app.get("/baseline/institutions/{institution_id}")
    def read_one_row(institution_id: str) -> dict[str, Any]:
        with engine.connect() as conn:
            row = (
                conn.execute(select(institutions).where(institutions.c.id == institution_id))
                .mappings()
                .first()
            )
        if row is None:
            raise HTTPException(404)
        return dict(row)

    return app
