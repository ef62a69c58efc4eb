"""Commands: what a regulator, a feed or a court asks the registry to do, as typed values.

One frozen dataclass per command, named in the imperative (``IssueLicence``), holding exactly
the values the command needs and the id of the record it acts on. The API turns request bodies
into them, the command line and the Python client build them directly, and the application
runs every one through the same path (load, authorise, check the expected version, run, save).
They are plain values: no I/O, nothing but the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class Command:
    """A request to change the register."""


@dataclass(frozen=True, kw_only=True)
class InstitutionCommand(Command):
    """A decision about one registered institution."""

    institution_id: UUID

    @property
    def target(self) -> UUID:
        return self.institution_id


@dataclass(frozen=True, kw_only=True)
class ContractCommand(Command):
    """A fact about one prepaid training contract."""

    contract_id: UUID

    @property
    def target(self) -> UUID:
        return self.contract_id


@dataclass(frozen=True, kw_only=True)
class CaseCommand(Command):
    """A step in one refund dispute."""

    case_id: UUID

    @property
    def target(self) -> UUID:
        return self.case_id
