"""The case file's index as plain blocks: what it says, apart from how the PDF lays it out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Para:
    """A paragraph of plain text; ``style`` is ``body``, ``subhead`` or ``note``."""

    text: str
    style: str = "body"


@dataclass(frozen=True)
class Fields:
    """Label and value pairs, shown as a two-column table."""

    rows: Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Grid:
    """A table with a header row; ``widths`` are shares of the text width (they sum to 1)."""

    header: tuple[str, ...]
    rows: Sequence[Sequence[str]]
    widths: tuple[float, ...]
    numeric: frozenset[int] = frozenset()  # right-aligned columns
    mono: frozenset[int] = frozenset()  # digests, in a fixed-width face
    empty: str = "无记录 none"


Block = Para | Fields | Grid


@dataclass(frozen=True)
class Section:
    """A numbered section of the index, with its Chinese and English titles."""

    number: int
    title: str
    english: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.number}  {self.title}  {self.english}"
