"""API keys: issued by an operator, stored only as SHA-256 hashes, revocable."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select, update

from registry.adapters.store import api_keys
from registry.domain.districts import is_district_code
from registry.domain.errors import InvalidInput, NotFound, Unauthenticated
from registry.domain.principal import Principal

ISSUABLE_ROLES = ("regulator", "feed", "court", "admin")
DISTRICT_SCOPED_ROLES = ("regulator", "feed")
# Seconds between two writes of a key's last-used time.
LAST_USED_RESOLUTION = 60.0


@dataclass(frozen=True)
class KeyInfo:
    """What an operator may see of a key: never the key itself."""

    id: str
    name: str
    role: str
    districts: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None
    expires_at: datetime | None = None
    last_used_at: datetime | None = None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class KeyStore:
    """Creates, lists, revokes and checks API keys.

    A key that checked out is remembered for ``cache_seconds`` (by its hash), so a burst of
    requests costs one look-up. A revocation through this store forgets the key at once; a
    revocation by another process (``registry keys revoke``) is honoured by this one within
    ``cache_seconds``. Unknown and revoked keys are never remembered.
    """

    CACHE_SIZE = 10_000

    def __init__(self, engine: Engine, cache_seconds: float = 0.5) -> None:
        self.engine = engine
        # The check of a key (a select, at most a minute's update of its last use) runs its
        # statements in autocommit: no BEGIN and ROLLBACK round trips around the select.
        self.statements = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.cache_seconds = cache_seconds
        self._checked: dict[str, tuple[float, Principal]] = {}

    def create(
        self,
        role: str,
        districts: list[str],
        name: str,
        expires_at: datetime | None = None,
        secret: tuple[str, str] | None = None,
    ) -> tuple[KeyInfo, str]:
        """Issue a key, valid until ``expires_at`` if given; the secret is returned once and
        never stored. ``secret`` (id, secret) is for keys derived elsewhere (the demo's)."""
        if role not in ISSUABLE_ROLES:
            raise InvalidInput(f"role must be one of {', '.join(ISSUABLE_ROLES)}", "role")
        bad = [d for d in districts if not is_district_code(d)]
        if bad:
            raise InvalidInput(f"not 6-digit district codes: {', '.join(bad)}", "district")
        if role in DISTRICT_SCOPED_ROLES and not districts:
            raise InvalidInput(f"a {role} key needs at least one --district", "district")
        if expires_at is not None and expires_at <= datetime.now(UTC):
            raise InvalidInput("a key must expire in the future", "expires_at")
        if secret is None:
            key_id = secrets.token_hex(8)
            secret_text = f"rk_{key_id}_{secrets.token_urlsafe(32)}"
        else:
            key_id, secret_text = secret
        info = KeyInfo(
            id=key_id,
            name=name or f"{role} key",
            role=role,
            districts=tuple(dict.fromkeys(districts)),
            created_at=datetime.now(UTC),
            revoked_at=None,
            expires_at=expires_at,
        )
        with self.engine.begin() as conn:
            conn.execute(
                insert(api_keys).values(
                    id=info.id,
                    name=info.name,
                    role=info.role,
                    districts=list(info.districts),
                    key_hash=_hash(secret_text),
                    created_at=info.created_at,
                    expires_at=expires_at,
                )
            )
        return info, secret_text

    def list(self) -> list[KeyInfo]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(api_keys).order_by(api_keys.c.created_at)).mappings()
            return [
                KeyInfo(
                    id=r["id"],
                    name=r["name"],
                    role=r["role"],
                    districts=tuple(r["districts"]),
                    created_at=r["created_at"],
                    revoked_at=r["revoked_at"],
                    expires_at=r["expires_at"],
                    last_used_at=r["last_used_at"],
                )
                for r in rows
            ]

    def get(self, key_id: str) -> KeyInfo:
        found = [k for k in self.list() if k.id == key_id]
        if not found:
            raise NotFound(f"no key {key_id}")
        return found[0]

    def revoke(self, key_id: str) -> None:
        with self.engine.begin() as conn:
            done = conn.execute(
                update(api_keys)
                .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
        self._checked = {h: v for h, v in self._checked.items() if v[1].id != key_id}
        if done.rowcount == 0:
            raise NotFound(f"no active key {key_id}")

    def recently_checked(self, secret: str | None) -> Principal | None:
        """The principal of a key checked within the last ``cache_seconds``, without I/O;
        ``None`` when the key must be looked up (``authenticate``)."""
        if not secret:
            return None
        checked = self._checked.get(_hash(secret))
        if checked is not None and checked[0] > time.monotonic():
            return checked[1]
        return None

    def authenticate(self, secret: str | None) -> Principal:
        """The principal holding ``secret``; 401 for a missing, unknown or revoked key."""
        if not secret:
            raise Unauthenticated("an API key is required: Authorization: Bearer <key>")
        key_hash = _hash(secret)
        now = time.monotonic()
        checked = self._checked.get(key_hash)
        if checked is not None and checked[0] > now:
            return checked[1]
        with self.statements.connect() as conn:
            row = (
                conn.execute(select(api_keys).where(api_keys.c.key_hash == key_hash))
                .mappings()
                .first()
            )
        if row is None or row["revoked_at"] is not None:
            self._checked.pop(key_hash, None)
            raise Unauthenticated("the API key is unknown or revoked")
        now_utc = datetime.now(UTC)
        expires_at = _utc(row["expires_at"])
        if expires_at is not None and expires_at <= now_utc:
            self._checked.pop(key_hash, None)
            raise Unauthenticated("the API key has expired")
        self._touch(row["id"], _utc(row["last_used_at"]), now_utc)
        principal = Principal(
            id=row["id"], role=row["role"], districts=tuple(row["districts"]), name=row["name"]
        )
        if len(self._checked) >= self.CACHE_SIZE:
            self._checked.clear()
        # Never remembered past its expiry.
        until = now + self.cache_seconds
        if expires_at is not None:
            until = min(until, now + (expires_at - now_utc).total_seconds())
        self._checked[key_hash] = (until, principal)
        return principal

    def _touch(self, key_id: str, last_used: datetime | None, now: datetime) -> None:
        """Record when the key was last used, to the minute (one write a minute at most)."""
        if last_used is not None and (now - last_used).total_seconds() < LAST_USED_RESOLUTION:
            return
        with self.statements.connect() as conn:
            conn.execute(update(api_keys).where(api_keys.c.id == key_id).values(last_used_at=now))


def _utc(moment: datetime | None) -> datetime | None:
    """A stored time as an aware UTC time (SQLite gives it back without its zone)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
