"""A refund case as its readers see it, and the court case file taken from the log.

The case file shows everything exactly as the log stood at one position: the case, its
institution and its contracts rebuilt to that position, and every event of those streams up to
it, with the chain hash there and the first signed checkpoint covering it. Reading a case file
records nothing; exporting it is an act recorded on the case (``CaseFileExported``, with the
manifest's digest), and an export first signs a checkpoint covering the file if none does yet.
A court (and an admin) reads the claimant's and guardians' details in full; a regulator reads
them masked, as in the regulator's view of a contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Engine

from registry.adapters.chain_log import chain_head
from registry.adapters.checkpoints import Checkpoints
from registry.adapters.eventlog import EventLog, LoggedEvent
from registry.application.cases import CASE_ROLES
from registry.application.contract_views import GUARDIAN_READERS, contract_figures
from registry.application.core import Handler
from registry.application.institution_views import institution_view
from registry.application.results import WriteResult
from registry.application.store import EventStore
from registry.casefile.builder import build_case_file
from registry.domain import rules
from registry.domain.clock import SHANGHAI
from registry.domain.commands.cases import RecordCaseFileExport
from registry.domain.contract import TrainingContract
from registry.domain.errors import NotFound, RuleViolation
from registry.domain.institution import Institution
from registry.domain.principal import Principal
from registry.domain.refund_case import RefundCase
from registry.privacy import mask_personal

EXPORTERS = ("court", "regulator")


def case_view(case: RefundCase) -> dict[str, Any]:
    return {
        "id": str(case.id),
        "institution_id": str(case.institution_id),
        "district_code": case.district_code,
        "contract_ids": [str(c) for c in case.contract_ids],
        "claimant_name": case.claimant_name,
        "claimant_phone": case.claimant_phone,
        "source": case.source,
        "claim_fen": case.claim_fen,
        "status": case.status,
        "evidence": list(case.evidence),
        "assessment": case.assessment,
        "assessed_fen": case.assessment["assessed_fen"] if case.assessment else None,
        "mediation": case.mediation,
        "referral": case.referral,
        "judgment": case.judgment,
        "payments": list(case.payments),
        "paid_fen": case.paid_fen,
        "exports": list(case.exports),
        "closure": case.closure,
        "opened_at": case.created_on.isoformat(),
        "version": case.version,
    }


@dataclass(frozen=True)
class CaseFileSeal:
    """What seals a case file: the chain, the checkpoints and their key, and the font."""

    engine: Engine
    checkpoints: Checkpoints
    font_file: str

    def chain_at(self, position: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            link = chain_head(conn, at_or_below=position)
        return None if link is None else {"position": link[0], "hash": link[1].hex()}

    def checkpoint_covering(self, position: int) -> dict[str, Any] | None:
        checkpoint = self.checkpoints.first_covering(position)
        if checkpoint is None:
            return None
        return {**checkpoint.as_dict(), "message": checkpoint.message().decode()}


@dataclass(frozen=True)
class CaseFile:
    """A built case file: the ZIP, the case, its log position and its manifest's digest."""

    archive: bytes
    case_id: UUID
    position: int
    manifest_sha256: str
    personal_data: str


class CaseQueries:
    """Reads of refund cases, and the court case file."""

    def __init__(
        self,
        store: EventStore,
        event_log: EventLog,
        record_export: Handler[RecordCaseFileExport],
        seal: CaseFileSeal,
    ) -> None:
        self.store = store
        self.event_log = event_log
        self.record_export = record_export
        self.seal = seal

    def _case(self, principal: Principal, case_id: UUID) -> RefundCase:
        case = self.store.load(RefundCase, case_id, "refund case")
        principal.require(CASE_ROLES, case.district_code)
        return case

    def refund_case(self, principal: Principal, case_id: UUID) -> dict[str, Any]:
        view = case_view(self._case(principal, case_id))
        return view if principal.role in GUARDIAN_READERS else mask_personal(view)

    def case_file_bundle(
        self, principal: Principal, case_id: UUID, position: int | None = None
    ) -> dict[str, Any]:
        """Everything the court case file shows, exactly as the log stood at ``position``."""
        case = self._case(principal, case_id)
        principal.require(EXPORTERS, case.district_code)
        head = self.store.head()
        position = head if position is None else min(position, head)
        streams = [("refund_case", case.id), ("institution", case.institution_id)] + [
            ("contract", c) for c in case.contract_ids
        ]
        events: list[tuple[str, LoggedEvent]] = []
        states: dict[UUID, Any] = {}
        for kind, stream_id in streams:
            logged = [
                e for e in self.event_log.events(stream_id, 0, 1_000_000) if e.position <= position
            ]
            if not logged:
                states[stream_id] = None
                continue
            states[stream_id] = self.store.repository.get(stream_id, version=logged[-1].version)
            events += [(kind, e) for e in logged]
        case_then = states[case.id]
        if not isinstance(case_then, RefundCase) or case_then.assessment is None:
            raise RuleViolation(
                rules.CASE_EXPORT_NEEDS_ASSESSMENT.id,
                f"the case had no assessment at position {position}",
            )
        institution_then = states[case.institution_id]
        if not isinstance(institution_then, Institution):
            raise NotFound(f"the institution was not registered at position {position}")
        events.sort(key=lambda pair: pair[1].position)
        full = principal.role in GUARDIAN_READERS

        def personal(data: dict[str, Any]) -> dict[str, Any]:
            return data if full else mask_personal(data)

        return {
            "position": position,
            "exported_at": events[-1][1].recorded_at.isoformat(),
            "personal_data": "full" if full else "masked",
            "chain": self.seal.chain_at(position),
            "checkpoint": self.seal.checkpoint_covering(position),
            "case": personal(case_view(case_then)),
            # Overdue as of the day of the last event the file holds, so an export is the
            # same whenever it is made.
            "institution": institution_view(
                institution_then, events[-1][1].recorded_at.astimezone(SHANGHAI).date()
            ),
            "contracts": [
                personal(contract_figures(states[c]))
                for c in case.contract_ids
                if isinstance(states[c], TrainingContract)
            ],
            "events": [
                {
                    "position": e.position,
                    "stream": kind,
                    "stream_id": str(e.originator_id),
                    "version": e.version,
                    "type": e.type,
                    "recorded_at": e.recorded_at.isoformat(),
                    "actor": e.actor,
                    "data": personal(e.data),
                }
                for kind, e in events
            ],
        }

    def case_file(
        self, principal: Principal, case_id: UUID, position: int | None = None
    ) -> CaseFile:
        """The case file at ``position`` (default: now). Reading it records nothing."""
        bundle = self.case_file_bundle(principal, case_id, position)
        archive, manifest_sha256 = build_case_file(
            bundle, self.seal.checkpoints.key, self.seal.font_file
        )
        return CaseFile(
            archive, case_id, bundle["position"], manifest_sha256, bundle["personal_data"]
        )

    def record_case_file_export(self, principal: Principal, case_file: CaseFile) -> WriteResult:
        """Record that ``case_file`` was exported, and by whom (``CaseFileExported``)."""
        return self.record_export(
            principal,
            RecordCaseFileExport(
                case_id=case_file.case_id,
                manifest_sha256=case_file.manifest_sha256,
                position=case_file.position,
            ),
            None,
        )

    def prepare_export(
        self, principal: Principal, case_id: UUID, position: int | None = None
    ) -> CaseFile:
        """The case file to export, once a checkpoint covers it (one is signed if none does
        yet); nothing is recorded until ``record_case_file_export``."""
        case = self._case(principal, case_id)  # refuse before anything is signed
        principal.require(EXPORTERS, case.district_code)
        head = self.store.head()
        at = head if position is None else min(position, head)
        if self.seal.checkpoints.first_covering(at) is None:
            self.seal.checkpoints.sign()
        return self.case_file(principal, case_id, at)

    def export_case_file(
        self, principal: Principal, case_id: UUID, position: int | None = None
    ) -> tuple[CaseFile, WriteResult]:
        """Build the case file and record its export, as one act."""
        case_file = self.prepare_export(principal, case_id, position)
        return case_file, self.record_case_file_export(principal, case_file)
