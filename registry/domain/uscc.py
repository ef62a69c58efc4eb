"""Unified social credit code (统一社会信用代码), GB 32100-2015."""

from __future__ import annotations

import re
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

NON_PROFIT_PREFIX = "52"  # 民办非企业单位, registered with civil affairs


def check_character(first17: str) -> str:
    """The 18th character that GB 32100-2015 computes from the first seventeen."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


@dataclass(frozen=True)
class CreditCode:
    """A USCC whose shape and check character have been verified."""

    value: str

    @classmethod
    def parse(cls, raw: str) -> CreditCode:
        """Validate ``raw``; raise ``ValueError`` saying what is wrong."""
        code = raw.strip().upper()
        if len(code) != 18:
            raise ValueError(f"a credit code has 18 characters, not {len(code)}")
        if not _SHAPE.match(code):
            raise ValueError(
                "a credit code uses digits and the letters A-Y without I, O, S, V, Z, "
                "with a 6-digit division code in positions 3-8"
            )
        expected = check_character(code[:17])
        if code[17] != expected:
            raise ValueError(f"check character of {code} should be {expected!r}, not {code[17]!r}")
        return cls(code)

    @property
    def is_non_profit(self) -> bool:
        """Registered as a 民办非企业单位 (prefix 52)."""
        return self.value.startswith(NON_PROFIT_PREFIX)

    @property
    def registering_district(self) -> str:
        """Positions 3-8: the division code of the registering authority."""
        return self.value[2:8]

    def __str__(self) -> str:
        return self.value
