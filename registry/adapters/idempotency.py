"""Idempotent writes: a retried request with the same key returns the first answer.

The key is reserved (claimed) before the command runs, so two concurrent retries cannot both
append. The answer is written in the database transaction that inserts the command's events
(``Claim.answer``, a ``RowsWithEvents``): events and answer commit together or not at all, so
a crash at any point leaves either both or neither.

A claim whose request died (a crash, a killed process) is taken over by a retry once it is
``takeover_after`` seconds old, and the command runs afresh. Taking over gives the claim a new
token; the answer row is written only under the token that claimed it, so if the first request
was not dead but slow, its events are refused rather than recorded twice.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from registry.adapters.store import idempotency_records
from registry.adapters.with_events import InsertTransaction
from registry.domain.errors import InProgress, InvalidInput, RegistryError

TABLE = idempotency_records.name


@dataclass(frozen=True)
class StoredAnswer:
    status_code: int
    body: dict[str, Any]
    replayed: bool


def request_fingerprint(method: str, path: str, body: Any) -> str:
    """What makes two requests 'the same': method, path and the parsed body."""
    canonical = json.dumps([method, path, body], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class Claim:
    """One request's hold on an Idempotency-Key."""

    principal_id: str
    key: str
    token: str
    written: bool = field(default=False)

    def answer(self, status_code: int, body: dict[str, Any]) -> AnswerRow:
        """The answer, as a row that commits with the command's events."""
        return AnswerRow(self, status_code, body)


@dataclass(frozen=True)
class AnswerRow:
    """Writes the claim's answer in the events' transaction; refuses them if the claim was
    taken over."""

    claim: Claim
    status_code: int
    body: dict[str, Any]

    def write(self, tx: InsertTransaction, positions: Sequence[int]) -> None:
        as_json = "CAST(? AS json)" if tx.dialect == "postgresql" else "?"
        rows = tx.query(
            f"UPDATE {tx.table(TABLE)} SET status_code = ?, response = {as_json} "
            'WHERE principal_id = ? AND "key" = ? AND claim = ? AND status_code IS NULL '
            "RETURNING status_code",
            (
                self.status_code,
                json.dumps(self.body),
                self.claim.principal_id,
                self.claim.key,
                self.claim.token,
            ),
        )
        if not rows:
            raise InProgress(
                "this request took too long and a retry with its Idempotency-Key took it over",
                retry_after=1,
            )
        self.claim.written = True


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class IdempotencyStore:
    def __init__(self, engine: Engine, takeover_after: float = 30.0) -> None:
        self.engine = engine
        # Every statement of the store stands alone (the answer commits with the events, in
        # the recorder's transaction): each runs in autocommit, without the round trips of a
        # BEGIN and a COMMIT (or ROLLBACK) around it.
        self.statements = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.takeover_after = takeover_after

    def run(
        self,
        principal_id: str,
        key: str,
        fingerprint: str,
        command: Callable[[Claim], tuple[int, dict[str, Any]]],
        reused: Callable[[], RegistryError] | None = None,
    ) -> StoredAnswer:
        """Run ``command`` once per (principal, key); replay its answer afterwards.

        ``command`` gets the claim, whose ``answer`` rows it must commit with its events. The
        key used before for another request raises ``reused()`` (default: ``InvalidInput``).
        """
        if not key or len(key) > 200:
            raise InvalidInput("Idempotency-Key must be 1 to 200 characters", "Idempotency-Key")
        claim = Claim(principal_id, key, secrets.token_hex(16))
        stored = self._claim(claim, fingerprint, reused)
        if stored is not None:
            return stored
        where = self._where(claim)
        try:
            status_code, body = command(claim)
        except BaseException:
            with self.statements.connect() as conn:
                conn.execute(
                    delete(idempotency_records).where(
                        where,
                        idempotency_records.c.claim == claim.token,
                        idempotency_records.c.status_code.is_(None),
                    )
                )
            raise
        if not claim.written:  # a command that recorded no event: store the answer now
            with self.statements.connect() as conn:
                conn.execute(
                    update(idempotency_records)
                    .where(where, idempotency_records.c.claim == claim.token)
                    .values(status_code=status_code, response=body)
                )
        return StoredAnswer(status_code, body, replayed=False)

    @staticmethod
    def _where(claim: Claim) -> Any:
        return and_(
            idempotency_records.c.principal_id == claim.principal_id,
            idempotency_records.c.key == claim.key,
        )

    def _claim(
        self,
        claim: Claim,
        fingerprint: str,
        reused: Callable[[], RegistryError] | None = None,
    ) -> StoredAnswer | None:
        """Hold the key for ``claim`` (``None``), or the answer already stored for it."""
        now = datetime.now(UTC)
        try:
            with self.statements.connect() as conn:
                conn.execute(
                    insert(idempotency_records).values(
                        principal_id=claim.principal_id,
                        key=claim.key,
                        request_hash=fingerprint,
                        claim=claim.token,
                        created_at=now,
                    )
                )
            return None
        except IntegrityError:
            pass
        where = self._where(claim)
        with self.statements.connect() as conn:
            row = conn.execute(select(idempotency_records).where(where)).mappings().first()
        if row is None:  # the holder failed and let go in the meantime
            return self._claim(claim, fingerprint, reused)
        if row["request_hash"] != fingerprint:
            if reused is not None:
                raise reused()
            raise InvalidInput(
                "this Idempotency-Key was used for a different request", "Idempotency-Key"
            )
        if row["status_code"] is not None:
            return StoredAnswer(row["status_code"], row["response"], replayed=True)
        age = (now - _utc(row["created_at"])).total_seconds()
        if age < self.takeover_after:
            raise InProgress(
                "a request with this Idempotency-Key is still in progress; retry shortly",
                retry_after=max(1, int(self.takeover_after - age + 0.999)),
            )
        # The holder has had its time: take the key over, unless another retry just did.
        held = idempotency_records.c.claim
        with self.statements.connect() as conn:
            taken = conn.execute(
                update(idempotency_records)
                .where(
                    where,
                    idempotency_records.c.status_code.is_(None),
                    held.is_(None) if row["claim"] is None else held == row["claim"],
                )
                .values(claim=claim.token, created_at=now)
            )
        if taken.rowcount != 1:
            raise InProgress(
                "a request with this Idempotency-Key is still in progress; retry shortly",
                retry_after=max(1, int(self.takeover_after)),
            )
        return None
