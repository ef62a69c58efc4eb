"""A refund case as its readers see it, and the court case file taken from the log.

The case file shows everything exactly as the log stood at one position: the case, its
institution and its contracts rebuilt to that position, and every event of those streams up to
it. Exporting it is recorded on the case (``CaseFileExported``), with the manifest's digest.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from registry.adapters.eventlog import EventLog, LoggedEvent
from registry.application.cases import CASE_ROLES
from registry.application.contract_views import contract_figures
from registry.application.core import EventStore, Handler
from registry.application.institution_views import institution_view
from registry.application.results import WriteResult
from registry.casefile.builder import build_case_file
from registry.domain import rules
from registry.domain.clock import SHANGHAI
from registry.domain.commands.cases import RecordCaseFileExport
from registry.domain.contract import TrainingContract
from registry.domain.errors import NotFound, RuleViolation
from registry.domain.institution import Institution
from registry.domain.principal import Principal
from registry.domain.refund_case import RefundCase

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


class CaseQueries:
    """Reads of refund cases, and the court case file."""

    def __init__(
        self, store: EventStore, event_log: EventLog, record_export: Handler[RecordCaseFileExport]
    ) -> None:
        self.store = store
        self.event_log = event_log
        self.record_export = record_export

    def _case(self, principal: Principal, case_id: UUID) -> RefundCase:
        case = self.store.load(RefundCase, case_id, "refund case")
        principal.require(CASE_ROLES, case.district_code)
        return case

    def refund_case(self, principal: Principal, case_id: UUID) -> dict[str, Any]:
        return case_view(self._case(principal, case_id))

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
        return {
            "position": position,
            "exported_at": events[-1][1].recorded_at.isoformat(),
            "case": case_view(case_then),
            # Overdue as of the day of the last event the file holds, so an export is the
            # same whenever it is made.
            "institution": institution_view(
                institution_then, events[-1][1].recorded_at.astimezone(SHANGHAI).date()
            ),
            "contracts": [
                contract_figures(states[c])
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
                    "data": e.data,
                }
                for kind, e in events
            ],
        }

    def export_case_file(
        self, principal: Principal, case_id: UUID, position: int | None = None
    ) -> tuple[bytes, dict[str, Any], WriteResult]:
        """Build the case file at ``position`` and record that it was exported, and by whom."""
        bundle = self.case_file_bundle(principal, case_id, position)
        archive, manifest_sha256 = build_case_file(bundle)
        result = self.record_export(
            principal,
            RecordCaseFileExport(
                case_id=case_id, manifest_sha256=manifest_sha256, position=bundle["position"]
            ),
            None,
        )
        return archive, {"manifest_sha256": manifest_sha256, "position": bundle["position"]}, result
