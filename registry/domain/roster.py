"""The contract roster of an institution: which contract streams belong to it.

An index aggregate (one per institution, with an id derived from the institution's) so that
cessation and conversion can find every contract without a read model deciding a rule.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


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

    class ContractEnrolled(Aggregate.Event):
        contract_id: UUID

    @event(ContractEnrolled)
    def enrol(self, contract_id: UUID) -> None:
        self.contract_ids.append(contract_id)
