"""A log written by the registry before its events became declared classes still opens.

``tests/fixtures/log-written-by-2025.1.jsonl`` holds stored events exactly as an earlier
version of the registry wrote them (rule pack 2025.1): a demo register's institutions with
their contracts and refund cases, and the events the demo lacked (a transfer to a conversion
successor, a judgment and an exported case file, a withdrawn case, the registry's clock), so
every one of the 45 event types declared then appears. It is loaded into a fresh database of
each backend
and read the way the registry reads its log.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from registry.bootstrap import Services
from registry.domain.clock import SHANGHAI
from registry.domain.commands.institutions import ImposePenalty
from registry.domain.contract import TrainingContract
from registry.domain.events import (
    ALL_EVENTS,
    CalendarsOpened,
    ConversionAbandoned,
    DecisionAnnulled,
    FundSupervisionEnded,
    FundSupervisionEstablished,
    HolidaysSet,
    InstitutionRegistered,
    LicenceIssued,
    LicenceRenewed,
    VacationsSet,
)
from registry.domain.institution import Institution
from registry.domain.principal import Principal
from registry.domain.refund_case import RefundCase
from registry.domain.vocabulary import InstitutionStatus

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "log-written-by-2025.1.jsonl"
ADMIN = Principal(id="admin-key", role="admin")


def stored_events() -> list[StoredEvent]:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    return [
        StoredEvent(
            originator_id=UUID(row["originator_id"]),
            originator_version=row["originator_version"],
            topic=row["topic"],
            state=row["state"].encode("utf-8"),
        )
        for row in rows
    ]


@pytest.fixture
def old_log(services: Services) -> list[StoredEvent]:
    events = stored_events()
    services.registry.store.recorder.insert_events(events)
    return events


# Event types declared since that log was written.
DECLARED_SINCE = {
    FundSupervisionEnded,
    DecisionAnnulled,
    ConversionAbandoned,
    CalendarsOpened,
    HolidaysSet,
    VacationsSet,
}
# The decisions that gained an effective date since, and the field that holds it.
DATED_SINCE = {
    InstitutionRegistered: "registered_on",
    LicenceRenewed: "renewed_on",
    FundSupervisionEstablished: "established_on",
}


def test_the_old_log_holds_every_event_type_the_registry_declared_then() -> None:
    topics = {e.topic for e in stored_events()}
    assert {get_topic(cls) for cls in ALL_EVENTS if cls not in DECLARED_SINCE} <= topics


def test_old_decisions_take_effect_on_the_day_they_were_recorded_in_shanghai(
    services: Services, old_log: list[StoredEvent]
) -> None:
    store = services.registry.store
    seen = set()
    for n in store.read(start=1, limit=len(old_log) + 10):
        event = store.decode(n)
        name = DATED_SINCE.get(type(event))
        if name is None:
            continue
        seen.add(type(event))
        recorded_day = event.timestamp.astimezone(SHANGHAI).date().isoformat()
        assert getattr(event, name) == recorded_day, n.topic
    assert seen == set(DATED_SINCE)


def test_an_old_institution_is_in_the_register_from_its_first_dated_decision(
    services: Services, old_log: list[StoredEvent]
) -> None:
    licensed = [e for e in old_log if e.topic == get_topic(LicenceIssued)]
    event = services.registry.store.decode(licensed[0])
    first_day = date.fromisoformat(event.valid_from)

    view = services.registry.institution(ADMIN, event.originator_id, as_of=first_day)

    assert view["status"] == "licensed"
    assert view["registered_on"] <= first_day.isoformat()


def test_every_event_of_the_old_log_decodes_to_its_declared_class(
    services: Services, old_log: list[StoredEvent]
) -> None:
    by_topic = {get_topic(cls): cls for cls in ALL_EVENTS}
    notifications = services.registry.store.read(start=1, limit=len(old_log) + 10)
    assert len(notifications) == len(old_log)
    for n in notifications:
        assert isinstance(services.registry.store.decode(n), by_topic[n.topic]), n.topic


def test_the_projector_reads_each_event_of_the_old_log_as_the_library_decodes_it(
    services: Services, old_log: list[StoredEvent]
) -> None:
    """The projector's windows (``read_events``, on PostgreSQL decoded without the library's
    mapper) hold the events the mapper answers, older class versions upcast the same way."""
    store = services.registry.store
    expected = [
        (n.id, n.originator_id, n.originator_version, store.decode(n))
        for n in store.read(start=1, limit=len(old_log) + 10)
    ]
    windows = [
        store.read_events(start, min(start + 50, len(old_log)), ())
        for start in range(0, len(old_log), 50)
    ]
    read = [d for window in windows for d in window]
    assert len(read) == len(expected)
    for (position, stream, version, recorded_at, event, key), want in zip(
        read, expected, strict=True
    ):
        assert (position, stream, version) == want[:3]
        assert type(event) is type(want[3]) and vars(event) == vars(want[3]), position
        assert (recorded_at, key) == (want[3].timestamp, str(want[1]))
    some = sorted({n.topic for n in old_log})[:5]
    assert [d[0] for d in store.read_events(0, len(old_log), some)] == [
        n.id for n in store.read(start=1, limit=len(old_log) + 10, topics=some)
    ]


def test_every_stream_of_the_old_log_rebuilds_its_aggregate(
    services: Services, old_log: list[StoredEvent]
) -> None:
    last_versions: dict[UUID, int] = {}
    for e in old_log:
        last_versions[e.originator_id] = e.originator_version
    for stream, version in last_versions.items():
        aggregate = services.registry.store.repository.get(stream)
        assert aggregate.version == version


def test_the_old_log_projects_into_the_read_models_and_answers_queries(
    services: Services, old_log: list[StoredEvent]
) -> None:
    services.projector.run_once()
    heads = services.projector.positions()
    assert set(heads.values()) == {len(old_log)}
    institutions = [
        e.originator_id for e in old_log if e.topic == get_topic(Institution.InstitutionRegistered)
    ]
    for institution_id in institutions:
        view = services.registry.institution(ADMIN, institution_id)
        assert view["status"] in set(InstitutionStatus)
        assert services.views.public_institution(str(institution_id)) is not None
    contracts = [
        e.originator_id for e in old_log if e.topic == get_topic(TrainingContract.ContractSigned)
    ]
    for contract_id in contracts:
        ledger = services.registry.contract(ADMIN, contract_id)
        assert ledger["paid_fen"] >= ledger["refunded_fen"] + ledger["released_fen"]


def test_a_case_exported_under_the_old_code_exports_again_from_the_old_log(
    services: Services, old_log: list[StoredEvent]
) -> None:
    exported = [
        e.originator_id for e in old_log if e.topic == get_topic(RefundCase.CaseFileExported)
    ]
    assert exported
    case_file, _ = services.registry.export_case_file(ADMIN, exported[0])
    assert case_file.archive.startswith(b"PK")
    assert case_file.position == len(old_log)


def test_a_new_decision_is_recorded_after_the_old_events_of_an_institution(
    services: Services, old_log: list[StoredEvent]
) -> None:
    institution_id = next(
        e.originator_id for e in old_log if e.topic == get_topic(Institution.InstitutionRegistered)
    )
    before = services.registry.store.repository.get(institution_id).version
    result = services.registry.execute(
        ADMIN,
        ImposePenalty(
            institution_id=institution_id,
            decision_no="海教罚〔2026〕9号",
            kinds=["warning"],
            decided_on=services.registry.store.repository.get(institution_id).created_on.date(),
        ),
    )
    assert result.version == before + 1
    assert result.position == len(old_log) + 1
