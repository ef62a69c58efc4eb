"""What every request and answer shares: text bounds, money, the body rules, writes."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, ClassVar
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from registry.domain.commands import Command

Text = Annotated[str, Field(min_length=1, max_length=500)]
ShortText = Annotated[str, Field(min_length=1, max_length=100)]
Fen = Annotated[int, Field(strict=True, ge=0, le=10**13, description="integer fen (分)")]


# Text without control characters other than tab and line breaks (a NUL cannot be stored in a
# PostgreSQL text column: let in, it would stop the projector at that event).
_CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
PRINTABLE = rf"^[^{_CONTROL_CHARACTERS}]*$"
_CONTROL = re.compile(rf"[{_CONTROL_CHARACTERS}]")


def _control_characters(value: Any, where: str) -> str | None:
    """Where in a request body a string holds a control character, if anywhere."""
    if isinstance(value, str):
        return where if _CONTROL.search(value) else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _control_characters(key, where) or _control_characters(item, f"{where}.{key}")
        if found:
            return found
    return None


# Every date and time a request names lies in these years: the registry's records begin in
# the 1990s, and a year such as 1 or 9999 (with an offset) overflows date arithmetic later.
EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)


def within_years(value: Any) -> Any:
    """``value`` if every date and time in it lies between ``EARLIEST`` and ``LATEST``."""
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            within_years(item)
        return value
    day = value.date() if isinstance(value, datetime) else value
    if isinstance(day, date) and not EARLIEST <= day <= LATEST:
        raise PydanticCustomError(
            "date_out_of_range",
            "must lie between {earliest} and {latest}",
            {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
        )
    return value


# A date in a query (``?as_of=``); bodies check every field themselves (``Body``).
Day = Annotated[date, AfterValidator(within_years)]


class Body(BaseModel):
    """Request bodies refuse unknown fields, so a typo is a 422 rather than silently ignored,
    control characters in any text (see ``PRINTABLE``), and any date or time outside
    ``EARLIEST`` … ``LATEST``.

    A body of a write names the command it becomes (``command``); the path gives the id of
    the record it acts on. A test checks that every body's fields are its command's.
    """

    model_config = ConfigDict(extra="forbid")
    command: ClassVar[type[Command]]

    def to_command(self, **ids: UUID | str) -> Command:
        """The typed command this body asks for, on the record the path names."""
        return self.command(**self.model_dump(), **ids)

    @field_validator("*", mode="after")
    @classmethod
    def _within_years(cls, value: Any) -> Any:
        """Every date and time of every body, whichever its field (``within_years``)."""
        return within_years(value)

    @model_validator(mode="before")
    @classmethod
    def _printable(cls, data: Any) -> Any:
        found = _control_characters(data, "body")
        if found:
            raise ValueError(f"{found} holds a control character")
        return data


class WriteAnswer(BaseModel):
    """Every write answers the aggregate, its version after the write and the log position."""

    model_config = ConfigDict(extra="allow")

    id: str
    version: int
    position: int


class EventItem(BaseModel):
    position: int
    version: int
    type: str
    recorded_at: datetime
    actor: dict[str, Any]
    data: dict[str, Any]


class EventPage(BaseModel):
    items: list[EventItem]
    next_cursor: str | None


# Contracts and refund cases
Count = Annotated[int, Field(strict=True, le=100_000)]
Amount = Annotated[int, Field(strict=True, le=10_000_000_000, description="integer fen (分)")]
Phone = Annotated[str, Field(pattern=r"^\+?\d[\d\- ]{5,19}$")]
