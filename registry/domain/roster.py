"""The contract roster of an institution: which contract streams belong to it, and whose.

An index aggregate (one per institution, with an id derived from the institution's) so that
cessation and conversion can find every contract, and a payment every contract of the same
pupil, without a read model deciding a rule. The pupil is named by a pseudonym only
(``pupil_key``): a hash of the institution's id and the contract's pupil reference.
"""

from __future__ import annotations

import hashlib
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


def pupil_key(institution_id: UUID, pupil_ref: str) -> str:
    """The pupil's pseudonym in one institution's roster: equal refs give equal keys there,
    and the roster holds no reference a reader could look up elsewhere."""
    text = f"/institutions/{institution_id}/pupils/{pupil_ref.strip()}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class ContractRoster(Aggregate):
    """The contracts signed with, or transferred to, one institution."""

    @staticmethod
    def create_id(institution_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"/institutions/{institution_id}/contracts")

    class RosterOpened(Aggregate.Created):
        institution_id: UUID

    @event(RosterOpened)
    def __init__(self, institution_id: UUID) -> None:
        self.institution_id = institution_id
        self.contract_ids: list[UUID] = []
        self.pupil_of: dict[UUID, str | None] = {}

    class ContractEnrolled(Aggregate.Event):
        """A contract joined the roster, with its pupil's pseudonym (``None`` when enrolled
        before the roster kept it: version 1)."""

        class_version = 2

        contract_id: UUID
        pupil_key: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["pupil_key"] = None

    @event(ContractEnrolled)
    def enrol(self, contract_id: UUID, pupil_key: str | None = None) -> None:
        self.contract_ids.append(contract_id)
        self.pupil_of[contract_id] = pupil_key

    def contracts_perhaps_of(self, key: str) -> list[UUID]:
        """The contracts that may be the pupil's: those enrolled with ``key``, and those
        enrolled before the roster kept pupils (to be read to tell)."""
        return [c for c in self.contract_ids if self.pupil_of.get(c) in (key, None)]
