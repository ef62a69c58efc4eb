"""The public register: no personal data, ever."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

# -- read models ---------------------------------------------------------------------------------


class PublicInstitution(BaseModel):
    """What the public sees of an institution: no personal data."""

    id: str
    name: str
    credit_code: str
    district_code: str
    category: str
    subjects: list[str]
    delivery: str
    licence_no: str | None
    licence_valid_to: date | None
    supervision_mode: str | None
    supervision_bank: str | None
    status: str
    legitimate: bool


class Annulled(BaseModel):
    """The decision that set a status change aside (行政复议 or a court)."""

    decision_no: str
    annulled_on: date
    recorded_at: datetime
    position: int | None


class StatusChange(BaseModel):
    """A status change, in effective order; recorded when, and annulled by what, if so."""

    status: str
    effective_on: date
    recorded_at: datetime
    recorded_on: date = Field(description="the day it was recorded, Asia/Shanghai")
    position: int | None
    annulled: Annulled | None


class PublishedPenalty(BaseModel):
    decision_no: str
    kinds: list[str]
    fine_fen: int
    illegal_gains_fen: int
    decided_on: date


class PublicInstitutionPage(PublicInstitution):
    registered_on: date
    as_of: date | None = Field(None, description="in force at the end of this day")
    known_at: datetime | None = Field(None, description="as recorded by this time")
    status_history: list[StatusChange]
    penalties: list[PublishedPenalty]


class PublicInstitutionList(BaseModel):
    items: list[PublicInstitution]
    next_cursor: str | None


class BlacklistEntry(BaseModel):
    institution_id: str
    name: str
    credit_code: str
    district_code: str
    reasons: list[str]
    decision_no: str
    listed_on: date


class Blacklist(BaseModel):
    items: list[BlacklistEntry]
