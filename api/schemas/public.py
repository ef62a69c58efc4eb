"""The public register: no personal data, ever."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

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


class StatusChange(BaseModel):
    status: str
    effective_on: date
    position: int


class PublishedPenalty(BaseModel):
    decision_no: str
    kinds: list[str]
    fine_fen: int
    illegal_gains_fen: int
    decided_on: date


class PublicInstitutionPage(PublicInstitution):
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
