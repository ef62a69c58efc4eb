"""A feed's batch of facts about contracts, and its answer: one result per fact.

Each fact is the body of its single report (``POST /v1/contracts/{id}/payments``, ...) with the
contract's id and the fact's ``kind``; it becomes the same command.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

import orjson
from pydantic import BaseModel, Field, model_validator

from api.schemas.common import PRINTABLE, Body, _control_characters
from api.schemas.contracts import ConsumptionReport, PaymentReport, RefundReport, ReleaseReport
from registry.application.feed_batches import MAX_FACTS
from registry.domain.commands import ContractCommand


def _printable(data: Any) -> Any:
    """``Body``'s check for control characters, answering the same, without walking a body
    whose JSON has none: JSON escapes every control character but DEL with a backslash, so a
    body without a backslash or a DEL has none (a batch is checked whole, then each fact)."""
    try:
        encoded = orjson.dumps(data)
    except TypeError:  # not plain JSON data (models built in Python): walk it
        encoded = b"\\"
    if b"\\" in encoded or b"\x7f" in encoded:
        found = _control_characters(data, "body")
        if found:
            raise ValueError(f"{found} holds a control character")
    return data


class _Fact(Body):
    """A fact names its contract; its ``kind`` says which report it is."""

    contract_id: UUID

    @model_validator(mode="before")
    @classmethod
    def _printable(cls, data: Any) -> Any:
        return _printable(data)

    def to_command(self, **ids: UUID | str) -> ContractCommand:
        command = self.command(**self.model_dump(exclude={"kind"}), **ids)
        if not isinstance(command, ContractCommand):
            raise TypeError(f"{type(command).__name__} is no fact about a contract")
        return command


class PaymentFact(PaymentReport, _Fact):
    """Prepaid fees collected, as ``POST /v1/contracts/{id}/payments``."""

    kind: Literal["payment"]


class ConsumptionFact(ConsumptionReport, _Fact):
    """Lessons taught, as ``POST /v1/contracts/{id}/consumptions``."""

    kind: Literal["consumption"]


class ReleaseFact(ReleaseReport, _Fact):
    """Escrow released, as ``POST /v1/contracts/{id}/releases``."""

    kind: Literal["release"]


class RefundFact(RefundReport, _Fact):
    """A refund to the family, as ``POST /v1/contracts/{id}/refunds``."""

    kind: Literal["refund"]


Fact = Annotated[
    PaymentFact | ConsumptionFact | ReleaseFact | RefundFact, Field(discriminator="kind")
]

# A batch id is an Idempotency-Key of its own (``feed-batch:<id>``, at most 200 characters).
BatchId = Annotated[str, Field(min_length=1, max_length=100, pattern=PRINTABLE)]


class FeedBatch(Body):
    """Up to 1,000 facts under one batch id; the same id and body again is answered from the
    first time, the same id with another body is a 409."""

    batch_id: BatchId
    facts: Annotated[list[Fact], Field(min_length=1, max_length=MAX_FACTS)]

    @model_validator(mode="before")
    @classmethod
    def _printable(cls, data: Any) -> Any:
        return _printable(data)

    def commands(self) -> list[ContractCommand]:
        return [fact.to_command() for fact in self.facts]


class FactRefusal(BaseModel):
    """Why a fact was refused, as its single report would have been answered."""

    status: int = Field(description="the HTTP status its single report would have had")
    title: str
    detail: str
    rule: str | None = Field(None, description="the rule that refuses it (docs/domain.md)")


class FactResult(BaseModel):
    index: int = Field(description="the fact's place in the batch, from 0")
    kind: str
    contract_id: str
    status: Literal["recorded", "refused"]
    version: int | None = Field(None, description="the contract's version after the fact")
    position: int | None = Field(None, description="log position of the fact's last event")
    breaches: list[str] = Field(
        default_factory=list, description="rules the fact broke: recorded and flagged"
    )
    refusal: FactRefusal | None = None


class FeedBatchAnswer(BaseModel):
    """A result per fact, in the batch's order, and the log position after the batch."""

    batch_id: str
    position: int = Field(
        description="the last event the batch wrote, or the log's head if it wrote none"
    )
    recorded: int
    refused: int
    results: list[FactResult]
