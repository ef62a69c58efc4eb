"""What a conversion to non-profit (营转非) needs before it completes, and what a new entry in
the register needs before it is made: the checks ``Institution`` runs, kept apart from the
events it records."""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

from registry.domain import rules
from registry.domain.districts import is_district_code
from registry.domain.errors import RuleViolation
from registry.domain.rules import refuse_unless
from registry.domain.uscc import CreditCode
from registry.domain.vocabulary import ACADEMIC_SUBJECTS, OPERATING, InstitutionStatus


class Institution(Protocol):
    """What these checks read of an ``Institution``."""

    @property
    def id(self) -> UUID: ...
    @property
    def status(self) -> InstitutionStatus: ...
    @property
    def successor_of(self) -> str | None: ...
    @property
    def licence(self) -> Any: ...
    @property
    def supervision(self) -> Any: ...
    @property
    def is_non_profit(self) -> bool: ...


def checked_registration(
    *,
    credit_code: str,
    district_code: str,
    category: str,
    subjects: list[str],
    delivery: str,
    icp_number: str | None,
) -> str:
    """The credit code as registered, once the code, district, ICP number and subjects hold."""
    try:
        code = CreditCode.parse(credit_code)
    except ValueError as e:
        raise RuleViolation(rules.USCC_CHECK.id, str(e)) from None
    refuse_unless(
        is_district_code(district_code),
        rules.DISTRICT_CODE,
        f"{district_code!r} is not a 6-digit district code",
    )
    refuse_unless(
        delivery != "online" or bool(icp_number),
        rules.ONLINE_ICP,
        "an online institution must give its ICP filing number",
    )
    academic = sorted(s for s in subjects if s.strip() in ACADEMIC_SUBJECTS)
    refuse_unless(
        category != "non_academic" or not academic,
        rules.SUBJECT_CATEGORY,
        f"{', '.join(academic)} are academic subjects, not non_academic training",
    )
    return code.value


def refuse_unless_converting(institution: Institution, what: str) -> None:
    """Only a conversion in progress completes or is abandoned (``conversion.state``)."""
    refuse_unless(
        institution.status == InstitutionStatus.CONVERTING,
        rules.CONVERSION_STATE,
        f"the institution is {institution.status}, not converting: no conversion to {what}",
    )


def refuse_incomplete_conversion(
    predecessor: Institution, successor: Institution, open_contracts: int
) -> None:
    """The successor is the predecessor's registered non-profit successor, licensed and under
    fund supervision, and no contract of the predecessor still owes without being transferred."""
    refuse_unless_converting(predecessor, "complete")
    refuse_unless(
        successor.successor_of == str(predecessor.id)
        and successor.is_non_profit
        and successor.licence is not None
        and successor.status in OPERATING,
        rules.CONVERSION_SUCCESSOR,
        "the successor must be registered as this institution's successor, a licensed "
        "non-profit (USCC beginning 52)",
    )
    refuse_unless(
        successor.supervision is not None,
        rules.CONVERSION_SUPERVISION,
        "the successor has no fund supervision in place",
    )
    refuse_unless(
        open_contracts == 0,
        rules.CONVERSION_LIABILITIES,
        f"{open_contracts} prepaid contract(s) are neither refunded nor transferred",
    )
