"""API keys as an administrator issues and sees them (never a key's hash)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

District = Annotated[str, Field(pattern=r"^\d{6}$")]


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["regulator", "feed", "court", "admin"]
    districts: Annotated[list[District], Field(max_length=50)] = []
    name: Annotated[str, Field(max_length=100)] = ""
    expires_in_days: Annotated[int | None, Field(ge=1, le=3650)] = None


class KeyAnswer(BaseModel):
    id: str
    name: str
    role: str
    districts: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    secret: str | None = Field(
        None, description="the key itself: in the answer that issued it, and never again"
    )


class KeyList(BaseModel):
    items: list[KeyAnswer]
