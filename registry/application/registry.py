"""The one application service the API, the command line and the demo call.

Commands go in as typed values (``registry.domain.commands``) through ``execute``; queries
answer plain data, never aggregates. The service is composed of a small core (the event store
and the command path) and one module per aggregate for its commands and its reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Engine

from registry.adapters.checkpoints import Checkpoints
from registry.adapters.eventlog import EventLog, LoggedEvent
from registry.application import cases, contracts, institutions
from registry.application.calendars import CalendarLoad, Calendars
from registry.application.case_views import CaseFile, CaseFileSeal, CaseQueries
from registry.application.clock import Clock
from registry.application.contract_views import ContractQueries
from registry.application.core import Acknowledge, Handler
from registry.application.feed_batches import AcknowledgeBatch, BatchResult, report_facts
from registry.application.imports import ImportEntry, ImportOutcome, import_entries
from registry.application.institution_views import InstitutionQueries
from registry.application.reactions import ContractFreezer
from registry.application.results import WriteResult
from registry.application.rosters import contracts_of, open_contract_count
from registry.application.store import EventStore
from registry.domain.commands import Command, ContractCommand
from registry.domain.commands.cases import RecordCaseFileExport
from registry.domain.errors import InvalidInput
from registry.domain.principal import Principal
from registry.domain.unconsumed import POOLED
from registry.settings import Settings


class Registry:
    """Commands of regulators, feeds and courts; queries of the write model."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.store = EventStore(env=settings.eventsourcing_env())
        self.event_log = EventLog(self.store, engine, settings)
        self.contract_freezer = ContractFreezer(
            self.store, lambda i: contracts_of(self.store, i), self.store.save, engine
        )
        self.calendars = Calendars(self.store)
        self._handlers: dict[type[Any], Handler[Any]] = {
            **institutions.handlers(
                self.store,
                open_contracts=lambda i: open_contract_count(self.store, i),
                freeze_contracts=lambda: self._freeze_contracts(),
                version_at=self.event_log.version_at,
            ),
            **contracts.handlers(self.store, self.calendars.for_district),
            **cases.handlers(self.store),
        }
        self._institutions = InstitutionQueries(self.store, self.event_log)
        self._contracts = ContractQueries(self.store, self.event_log)
        self.checkpoints = Checkpoints(
            engine,
            settings.signing_key_path(),
            every_events=settings.checkpoint_every_events,
            every_seconds=settings.checkpoint_every_seconds,
        )
        self._cases = CaseQueries(
            self.store,
            self.event_log,
            self._handlers[RecordCaseFileExport],
            CaseFileSeal(engine, self.checkpoints, settings.case_file_font),
        )
        self.clock = Clock(self.store)

    def _freeze_contracts(self) -> None:
        self.contract_freezer.run_once()

    def close(self) -> None:
        self.store.close()

    # -- commands ----------------------------------------------------------------------------

    def execute(
        self,
        principal: Principal,
        command: Command,
        *,
        expected_version: int | None = None,
        acknowledge: Acknowledge | None = None,
    ) -> WriteResult:
        """Run one command for ``principal``; ``expected_version`` is the caller's If-Match;
        the rows ``acknowledge`` gives for the answer commit with the command's events."""
        handler = self._handlers.get(type(command))
        if handler is None:
            raise InvalidInput(f"{type(command).__name__} is not a command of the registry")
        return handler(principal, command, expected_version, acknowledge)

    def report_facts(
        self,
        principal: Principal,
        facts: Sequence[ContractCommand],
        *,
        acknowledge: AcknowledgeBatch | None = None,
    ) -> BatchResult:
        """A feed's batch (``feed_batches``): every fact judged by its own command's handler,
        refused ones recording nothing, the rest saved in one transaction with the rows
        ``acknowledge`` gives for the answer."""
        return report_facts(
            self.store, self._handlers, principal, facts, acknowledge, self.calendars.held
        )

    def import_institutions(
        self, principal: Principal, entries: Sequence[ImportEntry], *, save: bool = True
    ) -> tuple[list[ImportOutcome], int | None]:
        """Bring many institutions in at once (``imports``): one outcome per entry, and the
        log position of the batch (``None`` when nothing was saved)."""
        return import_entries(self.store, self.event_log.existing, principal, entries, save=save)

    # -- institutions ------------------------------------------------------------------------

    def institution(
        self,
        principal: Principal,
        institution_id: UUID,
        as_of: date | None = None,
        known_at: datetime | None = None,
    ) -> dict[str, Any]:
        """The regulator view in force at the end of ``as_of`` (default today) by effective
        dates, as the registry knew it at ``known_at`` (default now)."""
        return self._institutions.institution(principal, institution_id, as_of, known_at)

    def institution_events(
        self, principal: Principal, institution_id: UUID, after_version: int = 0, limit: int = 50
    ) -> list[LoggedEvent]:
        return self._institutions.events(principal, institution_id, after_version, limit)

    def institution_district(self, institution_id: UUID) -> str:
        return self._institutions.district(institution_id)

    # -- contracts ---------------------------------------------------------------------------

    def contract(
        self, principal: Principal, contract_id: UUID, method: str = POOLED
    ) -> dict[str, Any]:
        return self._contracts.contract(principal, contract_id, method)

    def contract_ledger(
        self, principal: Principal, contract_id: UUID, after_version: int = 0, limit: int = 50
    ) -> list[LoggedEvent]:
        return self._contracts.ledger(principal, contract_id, after_version, limit)

    # -- refund cases and the case file ------------------------------------------------------

    def refund_case(self, principal: Principal, case_id: UUID) -> dict[str, Any]:
        return self._cases.refund_case(principal, case_id)

    def case_file_bundle(
        self, principal: Principal, case_id: UUID, position: int | None = None
    ) -> dict[str, Any]:
        return self._cases.case_file_bundle(principal, case_id, position)

    def case_file(
        self, principal: Principal, case_id: UUID, position: int | None = None
    ) -> CaseFile:
        """The case file at ``position`` (default: now); reading it records nothing."""
        return self._cases.case_file(principal, case_id, position)

    def prepare_case_file_export(
        self, principal: Principal, case_id: UUID, position: int | None = None
    ) -> CaseFile:
        """The case file to export (a checkpoint covering it signed first); recorded later by
        ``record_case_file_export``, once the file is safely written."""
        return self._cases.prepare_export(principal, case_id, position)

    def record_case_file_export(self, principal: Principal, case_file: CaseFile) -> WriteResult:
        """Record on the case that ``case_file`` was exported (``CaseFileExported``)."""
        return self._cases.record_case_file_export(principal, case_file)

    def export_case_file(
        self, principal: Principal, case_id: UUID, position: int | None = None
    ) -> tuple[CaseFile, WriteResult]:
        """Build the case file and record its export, as one act."""
        return self._cases.export_case_file(principal, case_id, position)

    # -- school calendars --------------------------------------------------------------------

    def load_calendar(self, principal: Principal, document: object) -> CalendarLoad:
        """Record a calendar file's new and changed entries (admins only)."""
        return self.calendars.load(principal, document)

    def school_calendars(
        self, province: str | None = None, year: int | None = None
    ) -> dict[str, Any]:
        """The recorded holidays and vacations, of ``province`` and ``year`` when given."""
        return self.calendars.entries(province, year)

    def school_calendar(self, province: str, year: int) -> dict[str, Any]:
        """One province's recorded calendar of one year (404 when none is recorded)."""
        return self.calendars.of(province, year)

    # -- the registry's clock ----------------------------------------------------------------

    def review_day(self, principal: Principal, on: date) -> WriteResult | None:
        return self.clock.review_day(principal, on)

    def catch_up(self, principal: Principal, through: date) -> list[WriteResult]:
        return self.clock.catch_up(principal, through)

    def last_reviewed_day(self) -> date | None:
        return self.clock.last_reviewed_day()
