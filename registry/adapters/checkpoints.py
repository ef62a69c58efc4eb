"""Signed checkpoints: the chain head at a position, signed with the registry's Ed25519 key.

A checkpoint is public: anyone may keep copies, and a copy proves what the log held up to its
position (every event up to it is fixed by the head hash, ``chain.py``). The signed message is
UTF-8 text, so it can be checked with ``openssl`` or a few lines of Python:

    training-registry checkpoint
    position 12345
    head 9f2c…(64 hex digits)
    signed_at 2026-05-04T08:00:00Z
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Engine, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from registry.adapters.chain_log import chain_head
from registry.adapters.signing import SigningKey, valid_signature
from registry.adapters.store import metadata

checkpoints_table = Table(
    "registry_checkpoints",
    metadata,
    Column("position", BigInteger, primary_key=True),
    Column("head_hash", String(64), nullable=False),
    Column("signed_at", String(32), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("public_key", String(64), nullable=False),
)


@dataclass(frozen=True)
class Checkpoint:
    position: int
    head_hash: str  # hex
    signed_at: str  # ISO 8601, UTC, seconds
    signature: str  # base64 of the 64-byte Ed25519 signature
    key_id: str
    public_key: str  # base64 of the raw 32-byte public key

    def message(self) -> bytes:
        return checkpoint_message(self.position, self.head_hash, self.signed_at)

    def signature_valid(self) -> bool:
        return valid_signature(
            base64.b64decode(self.public_key), base64.b64decode(self.signature), self.message()
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "head_hash": self.head_hash,
            "signed_at": self.signed_at,
            "signature": self.signature,
            "key_id": self.key_id,
            "public_key": self.public_key,
            "algorithm": "Ed25519",
        }


def checkpoint_message(position: int, head_hash: str, signed_at: str) -> bytes:
    return (
        f"training-registry checkpoint\nposition {position}\nhead {head_hash}\n"
        f"signed_at {signed_at}\n"
    ).encode()


class Checkpoints:
    """Signing, listing and scheduling the checkpoints of one database."""

    def __init__(
        self,
        engine: Engine,
        key_path: str,
        every_events: int = 10_000,
        every_seconds: float = 600.0,
    ) -> None:
        self.engine = engine
        self.key_path = key_path
        self.every_events = every_events
        self.every_seconds = every_seconds
        self._key: SigningKey | None = None
        self._checked_at = 0.0

    @property
    def key(self) -> SigningKey:
        if self._key is None:
            self._key = SigningKey.open(self.key_path)
        return self._key

    def sign(self) -> Checkpoint | None:
        """Sign the chain head now (unless the latest checkpoint already has it)."""
        with self.engine.connect() as conn:
            head = chain_head(conn)
        if head is None:
            return None
        latest = self.latest()
        if latest is not None and latest.position >= head[0]:
            return latest
        key = self.key
        signed_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        message = checkpoint_message(head[0], head[1].hex(), signed_at)
        row = {
            "position": head[0],
            "head_hash": head[1].hex(),
            "signed_at": signed_at,
            "signature": base64.b64encode(key.sign(message)).decode(),
            "key_id": key.key_id,
            "public_key": key.public_b64,
        }
        with self.engine.begin() as conn:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            conn.execute(dialect.insert(checkpoints_table).on_conflict_do_nothing(), [row])
        return self.at(head[0])

    def due(self) -> bool:
        """Whether the chain head is 10,000 events (or 10 minutes) past the latest checkpoint."""
        with self.engine.connect() as conn:
            head = chain_head(conn)
        if head is None:
            return False
        latest = self.latest()
        if latest is None:
            return True
        if head[0] - latest.position >= self.every_events:
            return True
        if head[0] <= latest.position:
            return False
        signed = datetime.strptime(latest.signed_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        return (datetime.now(UTC) - signed).total_seconds() >= self.every_seconds

    def sign_if_due(self, at_most_every: float = 1.0) -> Checkpoint | None:
        """Sign when due; looks at the database at most every ``at_most_every`` seconds."""
        now = time.monotonic()
        if now - self._checked_at < at_most_every:
            return None
        self._checked_at = now
        return self.sign() if self.due() else None

    def latest(self) -> Checkpoint | None:
        page = self.page(limit=1)
        return page[0] if page else None

    def at(self, position: int) -> Checkpoint | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(checkpoints_table).where(checkpoints_table.c.position == position)
            ).first()
        return None if row is None else Checkpoint(**row._mapping)

    def page(self, limit: int = 50, before: int | None = None) -> list[Checkpoint]:
        """Latest first; ``before`` a position to page on."""
        query = select(checkpoints_table).order_by(checkpoints_table.c.position.desc())
        if before is not None:
            query = query.where(checkpoints_table.c.position < before)
        with self.engine.connect() as conn:
            rows = conn.execute(query.limit(limit)).all()
        return [Checkpoint(**row._mapping) for row in rows]

    def all(self) -> list[Checkpoint]:
        """Oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(checkpoints_table).order_by(checkpoints_table.c.position)
            ).all()
        return [Checkpoint(**row._mapping) for row in rows]

    def first_covering(self, position: int) -> Checkpoint | None:
        """The earliest checkpoint at or after ``position``: once signed, it stays the one."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(checkpoints_table)
                .where(checkpoints_table.c.position >= position)
                .order_by(checkpoints_table.c.position)
                .limit(1)
            ).first()
        return None if row is None else Checkpoint(**row._mapping)


__all__ = ["Checkpoint", "Checkpoints", "checkpoint_message", "checkpoints_table"]
