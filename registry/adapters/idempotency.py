"""Idempotent writes: a retried request with the same key returns the first answer.

The key is reserved before the command runs, so two concurrent retries cannot both append; the
answer is stored once the command succeeds, and the reservation is released if it fails.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from registry.adapters.store import idempotency_records
from registry.domain.errors import Conflict, InvalidInput


@dataclass(frozen=True)
class StoredAnswer:
    status_code: int
    body: dict[str, Any]
    replayed: bool


def request_fingerprint(method: str, path: str, body: Any) -> str:
    """What makes two requests 'the same': method, path and the parsed body."""
    canonical = json.dumps([method, path, body], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def run(
        self,
        principal_id: str,
        key: str,
        fingerprint: str,
        command: Callable[[], tuple[int, dict[str, Any]]],
    ) -> StoredAnswer:
        """Run ``command`` once per (principal, key); replay its answer afterwards."""
        if not key or len(key) > 200:
            raise InvalidInput("Idempotency-Key must be 1 to 200 characters", "Idempotency-Key")
        where = and_(
            idempotency_records.c.principal_id == principal_id,
            idempotency_records.c.key == key,
        )
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(idempotency_records).values(
                        principal_id=principal_id,
                        key=key,
                        request_hash=fingerprint,
                        created_at=datetime.now(UTC),
                    )
                )
        except IntegrityError:
            with self.engine.connect() as conn:
                row = conn.execute(select(idempotency_records).where(where)).mappings().one()
            if row["request_hash"] != fingerprint:
                raise InvalidInput(
                    "this Idempotency-Key was used for a different request", "Idempotency-Key"
                ) from None
            if row["status_code"] is None:
                raise Conflict("a request with this Idempotency-Key is still in progress") from None
            return StoredAnswer(row["status_code"], row["response"], replayed=True)
        try:
            status_code, body = command()
        except BaseException:
            with self.engine.begin() as conn:
                conn.execute(delete(idempotency_records).where(where))
            raise
        with self.engine.begin() as conn:
            conn.execute(
                update(idempotency_records)
                .where(where)
                .values(status_code=status_code, response=body)
            )
        return StoredAnswer(status_code, body, replayed=False)
