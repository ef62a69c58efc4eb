"""What the API answers, as pydantic models (unknown fields kept: the API may add some)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from registry.domain.vocabulary import InstitutionStatus


class Answer(BaseModel):
    model_config = ConfigDict(extra="allow")


class Written(Answer):
    """Every write: the record's id, its version after the write, the log position."""

    id: str
    version: int
    position: int
    # Writes that create a record inside an institution (an inspection, an order) name it.
    institution_id: str | None = None
    # Set by the client: the server answered from an earlier request with the same
    # Idempotency-Key (``Idempotency-Replayed: true``) and applied nothing this time.
    replayed: bool = False


class FactResult(Answer):
    """One fact of a batch: recorded (version, position, breaches flagged) or refused."""

    index: int
    kind: str
    contract_id: str
    status: str
    version: int | None = None
    position: int | None = None
    breaches: list[str] = []
    refusal: dict[str, Any] | None = None


class FeedBatchResult(Answer):
    """A batch's answer: a result per fact and the log position after the batch."""

    batch_id: str
    position: int
    recorded: int
    refused: int
    results: list[FactResult]
    # Set by the client: the answer is the first one for this batch id; nothing was recorded now.
    replayed: bool = False


class Institution(Answer):
    """The regulator's full view of one institution."""

    id: str
    name: str
    credit_code: str
    district_code: str
    address: str
    category: str
    subjects: list[str]
    delivery: str
    legal_form: str
    legal_representative: str
    status: InstitutionStatus
    licence: dict[str, Any] | None
    supervision: dict[str, Any] | None
    blacklisted: bool
    inspections: list[dict[str, Any]]
    rectification_orders: list[dict[str, Any]]
    open_rectification_orders: list[str]
    suspension: dict[str, Any] | None
    penalties: list[dict[str, Any]]
    version: int
    registered_on: date | None = None
    as_of: date | None = None
    legitimate: bool | None = None
    licence_expired: bool | None = None


class InstitutionListItem(Answer):
    """One line of the regulator's list."""

    id: str
    name: str
    credit_code: str
    district_code: str
    category: str
    status: InstitutionStatus
    licence_no: str | None
    licence_valid_to: date | None
    supervision_mode: str | None
    blacklisted: bool
    legitimate: bool | None = None
    open_rectification_orders: int
    position: int


class Event(Answer):
    """One event of a record's history, with its log position and the actor."""

    position: int
    version: int
    type: str
    recorded_at: datetime
    actor: dict[str, Any]
    data: dict[str, Any]


class ApiKey(Answer):
    """An API key as an administrator sees it; ``secret`` only in the answer that issued it."""

    id: str
    name: str
    role: str
    districts: list[str]
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    secret: str | None = None
