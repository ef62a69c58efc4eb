"""What commands answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class WriteResult:
    """What every write answers: the aggregate, its version after the write, the log position."""

    id: UUID
    version: int
    position: int
    extra: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "version": self.version,
            "position": self.position,
            **(self.extra or {}),
        }
