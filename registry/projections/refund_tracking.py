"""Refund tracking: per contract (and summed per institution) what was collected, consumed,
released and refunded, what is still owed to families, and what the escrow holds against it.

The escrow balance is what the supervised account holds for a contract: the fees paid *into
it*, less what was released to the institution and refunded to the family, never below zero.
Fees paid outside it (cash, a personal WeChat) are owed all the same but are not in escrow;
releases and refunds are taken to leave the account first, and what the account did not hold
for the contract was paid by the institution from its own funds.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, ClassVar

from eventsourcing.domain import DomainEvent
from sqlalchemy import BigInteger, Column, Connection, String, Table, Text, select

from registry.domain.events import (
    ContractCompleted,
    ContractFrozen,
    ContractSigned,
    ContractTerminated,
    EscrowReleased,
    LessonsConsumed,
    PrepaidFeeCollected,
    PrepaidLiabilitiesTransferred,
    PrepaidRefunded,
)
from registry.domain.unconsumed import Block, derived_gift_lessons, pooled_figures
from registry.projections.base import BatchProjection, Fact, metadata, upsert
from registry.projections.bulk import among

contracts = Table(
    "rt_contracts",
    metadata,
    Column("contract_id", String(36), primary_key=True),
    Column("institution_id", String(36), nullable=False, index=True),
    Column("district_code", String(6), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("paid_lessons", BigInteger, nullable=False),
    Column("gift_lessons", BigInteger, nullable=False),
    Column("consumed_lessons", BigInteger, nullable=False),
    # Paid lessons charged so far, and what each charge bought, in order:
    # "amount:paid:gift" per charge, separated by ";" (the blocks lessons consume in order).
    Column("charged_lessons", BigInteger, nullable=False),
    Column("blocks", Text, nullable=False),
    Column("collected_fen", BigInteger, nullable=False),
    # Of what was collected, what was paid into the supervised account.
    Column("supervised_fen", BigInteger, nullable=False),
    Column("released_fen", BigInteger, nullable=False),
    Column("refunded_fen", BigInteger, nullable=False),
    Column("consumed_value_fen", BigInteger, nullable=False),
    Column("unconsumed_fen", BigInteger, nullable=False),
    Column("escrow_balance_fen", BigInteger, nullable=False),
    Column("position", BigInteger, nullable=False),
)

# The status each closing event leaves a contract in.
STATUS_OF: dict[type[DomainEvent], str] = {
    ContractFrozen: "frozen",
    ContractTerminated: "terminated",
    ContractCompleted: "completed",
}


def blocks_of(row: dict[str, Any]) -> tuple[Block, ...]:
    """The blocks of a contract row, in the order paid."""
    return _parsed(row["blocks"])


@lru_cache(maxsize=4096)
def _parsed(blocks: str) -> tuple[Block, ...]:
    """Blocks parsed once for the many events of a contract that leave its charges as they
    are (lessons, releases, refunds)."""
    return tuple(Block(*(int(n) for n in text.split(":"))) for text in blocks.split(";") if text)


def settle_figures(row: dict[str, Any]) -> None:
    """Recompute the derived money figures of a contract row from its blocks (POOLED)."""
    row["consumed_value_fen"], row["unconsumed_fen"] = pooled_figures(
        blocks_of(row), row["refunded_fen"], row["consumed_lessons"]
    )
    settle_escrow(row)


def settle_escrow(row: dict[str, Any]) -> None:
    """Recompute what the supervised account holds for a contract."""
    row["escrow_balance_fen"] = max(
        0, row["supervised_fen"] - row["released_fen"] - row["refunded_fen"]
    )


# The events that change what the consumed and unconsumed amounts are computed from: the
# charges, the lessons consumed, the refunds (and a new contract, which has none yet).
REPRICING = frozenset({ContractSigned, PrepaidFeeCollected, LessonsConsumed, PrepaidRefunded})


def apply_contract_fact(
    rows: dict[str, dict[str, Any]], fact: Fact, settle: bool = True
) -> dict[str, Any]:
    """Apply one contract event to the in-memory row of its contract; answers the row.

    With ``settle=False`` the derived money figures are left for the caller to compute once
    per row (``settle_figures``) after a whole batch, which is what makes rebuilds fast.
    """
    key, event = fact.key, fact.event
    if isinstance(event, ContractSigned):
        rows[key] = {
            "contract_id": key,
            "institution_id": event.institution_id,
            "district_code": event.district_code,
            "status": "signed",
            "paid_lessons": event.paid_lessons,
            "gift_lessons": event.gift_lessons,
            "consumed_lessons": 0,
            "charged_lessons": 0,
            "blocks": "",
            "collected_fen": 0,
            "supervised_fen": 0,
            "released_fen": 0,
            "refunded_fen": 0,
        }
    row = rows[key]
    if isinstance(event, PrepaidFeeCollected):
        gifts = event.gift_lessons
        if gifts is None:  # stored before charges named their gift lessons
            gifts = derived_gift_lessons(
                row["paid_lessons"],
                row["gift_lessons"],
                row["charged_lessons"],
                event.lessons_covered,
            )
        block = f"{event.amount_fen}:{event.lessons_covered}:{gifts}"
        row["blocks"] = f"{row['blocks']};{block}" if row["blocks"] else block
        row["charged_lessons"] += event.lessons_covered
        row["collected_fen"] += event.amount_fen
        if event.into_supervised_account:
            row["supervised_fen"] += event.amount_fen
        if row["status"] == "signed":
            row["status"] = "active"
    elif isinstance(event, LessonsConsumed):
        row["consumed_lessons"] += event.lessons
    elif isinstance(event, EscrowReleased):
        row["released_fen"] += event.amount_fen
    elif isinstance(event, PrepaidRefunded):
        row["refunded_fen"] += event.amount_fen
    elif isinstance(event, PrepaidLiabilitiesTransferred):
        row["institution_id"] = event.to_institution_id
        row["district_code"] = event.to_district_code
    elif type(event) in STATUS_OF:
        row["status"] = STATUS_OF[type(event)]
    row["position"] = fact.position
    if settle:
        if type(event) in REPRICING:
            settle_figures(row)
        else:  # the consumed and unconsumed amounts are as they were
            settle_escrow(row)
    return row


# The contract events the ledger figures follow.
CONTRACT_EVENTS: tuple[type[DomainEvent], ...] = (
    ContractSigned,
    PrepaidFeeCollected,
    LessonsConsumed,
    EscrowReleased,
    PrepaidRefunded,
    PrepaidLiabilitiesTransferred,
    *STATUS_OF,
)


class RefundTracking(BatchProjection):
    name: ClassVar[str] = "refund_tracking"
    # 2: escrow counts only supervised fees; 3: 64-bit fen columns; 4: charges as blocks
    version: ClassVar[int] = 4
    tables: ClassVar[Sequence[Table]] = (contracts,)
    follows: ClassVar[tuple[type[DomainEvent], ...]] = CONTRACT_EVENTS

    def load(self, conn: Connection, facts: Sequence[Fact]) -> None:
        ids = {f.key for f in facts}
        query = select(contracts).where(among(conn, contracts.c.contract_id, ids))
        found = conn.execute(query).mappings()
        self.rows: dict[str, dict[str, Any]] = {r["contract_id"]: dict(r) for r in found}
        self.changed: set[str] = set()

    def handle(self, fact: Fact) -> None:
        apply_contract_fact(self.rows, fact, settle=False)
        self.changed.add(fact.key)

    def flush(self, conn: Connection) -> None:
        ids = list(self.changed)
        for key in ids:
            settle_figures(self.rows[key])
        upsert(conn, contracts, [self.rows[k] for k in ids])
