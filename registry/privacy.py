"""Masking personal data of guardians and pupils for readers who do not need it in full."""

from __future__ import annotations

from typing import Any


def mask_name(name: str) -> str:
    """王小明 → 王**; keeps only the first character."""
    return name[:1] + "*" * max(1, len(name) - 1) if name else name


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


# Personal fields that events may carry, and how each is masked for those who need no more.
PERSONAL_FIELDS = {
    "guardian_name": mask_name,
    "guardian_phone": mask_phone,
    "claimant_name": mask_name,
    "claimant_phone": mask_phone,
}


def mask_personal(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``data`` with every personal field masked."""
    return {k: PERSONAL_FIELDS[k](v) if k in PERSONAL_FIELDS and v else v for k, v in data.items()}
