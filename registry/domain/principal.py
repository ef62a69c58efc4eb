"""Who acts: the principal behind every command, recorded on every event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from registry.domain.errors import Forbidden

ROLES = ("regulator", "feed", "court", "admin", "system")


@dataclass(frozen=True)
class Principal:
    """An API key's holder, or the registry itself (``system``) for automatic reactions."""

    id: str
    role: str
    districts: tuple[str, ...] = ()
    name: str = ""

    def as_actor(self) -> dict[str, Any]:
        """The form stored on events: id, role and districts, no secrets."""
        return {"id": self.id, "role": self.role, "districts": list(self.districts)}

    def covers(self, district_code: str) -> bool:
        """Admins and the system cover every district, and so does a court key issued without
        districts (a court may be limited to some); regulators and feeds only their own."""
        if self.role in ("admin", "system") or (self.role == "court" and not self.districts):
            return True
        return district_code in self.districts

    def require(self, roles: tuple[str, ...], district_code: str | None = None) -> None:
        """Refuse unless the role is one of ``roles`` (admin always is) and covers the district."""
        if self.role not in roles and self.role not in ("admin", "system"):
            raise Forbidden(f"the {self.role} role may not do this")
        if district_code is not None and not self.covers(district_code):
            raise Forbidden(f"district {district_code} is outside this key's districts")


SYSTEM = Principal(id="registry", role="system", name="the registry itself")
