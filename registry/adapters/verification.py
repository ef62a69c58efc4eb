"""Verifying the event log: recompute the hash chain and check every signed checkpoint.

The first problem found, in log order, names its position:

- an event whose stored bytes no longer give its chain hash: changed;
- a chain row with no event: the event was deleted;
- an event with no chain row: inserted outside the registry;
- a checkpoint whose position is past the log's end: the log was cut below a signed head;
- a checkpoint whose head differs from the recomputed chain: rewritten up to it (changed
  events with their chain rows recomputed);
- a checkpoint whose signature does not verify with the registry's key.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain as concat

from sqlalchemy import Engine

from registry.adapters.chain import GENESIS
from registry.adapters.chain_log import Row, chain_head, events, links
from registry.adapters.checkpoints import Checkpoint


@dataclass(frozen=True)
class ChainReport:
    """What a verification found: ``problem`` and ``bad_position`` are ``None`` when all is well."""

    events: int
    last_position: int
    last_checkpoint: int | None
    problem: str | None = None
    bad_position: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def line(self) -> str:
        if self.problem is not None:
            return f"FAILED at position {self.bad_position}: {self.problem}"
        checkpoint = "none" if self.last_checkpoint is None else str(self.last_checkpoint)
        return (
            f"{self.events} events verified to position {self.last_position}; "
            f"last checkpoint {checkpoint}"
        )


def _merged(
    event_rows: Iterator[Row], chain_rows: Iterator[tuple[int, bytes]]
) -> Iterator[tuple[int, Row | None, bytes | None]]:
    """(position, event or None, chain hash or None) over the union of both, in order."""
    event, link_row = next(event_rows, None), next(chain_rows, None)
    while event is not None or link_row is not None:
        e_pos = event.position if event is not None else None
        l_pos = link_row[0] if link_row is not None else None
        if l_pos is None or (e_pos is not None and e_pos < l_pos):
            assert event is not None
            yield event.position, event, None
            event = next(event_rows, None)
        elif e_pos is None or l_pos < e_pos:
            assert link_row is not None
            yield link_row[0], None, link_row[1]
            link_row = next(chain_rows, None)
        else:
            assert event is not None and link_row is not None
            yield event.position, event, link_row[1]
            event, link_row = next(event_rows, None), next(chain_rows, None)


def verify_chain(
    engine: Engine,
    checkpoints: list[Checkpoint],
    registry_key_id: str | None,
    start: int = 1,
) -> ChainReport:
    """Recompute the chain from position ``start`` and check ``checkpoints`` (oldest first)."""
    last_checkpoint = checkpoints[-1].position if checkpoints else None
    counted, last = 0, 0

    def failed(position: int, problem: str) -> ChainReport:
        return ChainReport(counted, last, last_checkpoint, problem, position)

    for checkpoint in checkpoints:
        if registry_key_id is not None and checkpoint.key_id != registry_key_id:
            return failed(
                checkpoint.position,
                f"the checkpoint at {checkpoint.position} is signed by key {checkpoint.key_id}, "
                f"not the registry's key {registry_key_id}",
            )
        if not checkpoint.signature_valid():
            return failed(
                checkpoint.position,
                f"the checkpoint at {checkpoint.position} has an invalid signature",
            )
    pending = [c for c in checkpoints if c.position >= start]
    with engine.connect() as conn:
        before = chain_head(conn, at_or_below=start - 1) if start > 1 else None
        previous = before[1] if before is not None else GENESIS
        stream = _merged(events(conn, after=start - 1), links(conn, after=start - 1))
        first = next(stream, None)
        if first is not None and before is None and start <= 1 and first[2] is None:
            if chain_head(conn) is None:
                return failed(first[0], "the log is not chained yet: run `registry chain init`")
        for position, event, stored in concat([first] if first else [], stream):
            if pending and pending[0].position < position:
                return failed(
                    pending[0].position,
                    f"the checkpoint at {pending[0].position} names a position the log "
                    "no longer has (an event deleted)",
                )
            if event is None:
                return failed(position, "the event was deleted (its chain row remains)")
            if stored is None:
                return failed(position, "an event not recorded by the registry (no chain row)")
            computed = event.link(previous)
            if computed != stored:
                return failed(position, "the event differs from what was recorded")
            previous, counted, last = computed, counted + 1, position
            if pending and pending[0].position == position:
                if pending[0].head_hash != computed.hex():
                    return failed(
                        position,
                        f"the log up to {position} differs from the checkpoint signed at "
                        f"{pending[0].signed_at} (events rewritten with their chain rows)",
                    )
                pending.pop(0)
    if pending:
        return failed(
            last + 1,
            f"the log ends at position {last}, below the checkpoint signed at "
            f"{pending[0].signed_at} for position {pending[0].position} (cut)",
        )
    return ChainReport(counted, last, last_checkpoint)
