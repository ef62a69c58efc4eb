"""The health answer."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Health(BaseModel):
    status: str
    database: Literal["sqlite", "postgresql"]
    projections: dict[str, int]
    head: int = Field(description="the last position of the event log")
    lag: dict[str, int] = Field(description="events each projection has still to apply")
    projector: Literal["running", "stopped", "external"]
