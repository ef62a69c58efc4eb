"""Two times on every record: what was in force on day D, as the registry knew it at time T.

For random decisions with random effective dates, recorded at random times (the event store
stamps each event with the time it is recorded; here that clock is set per decision), the
regulator view and the public register answer (as_of D, known_at T) exactly as a plain fold of
the decisions recorded by T, in the order of their effective dates, says they should; the
regulator's list and the risk alerts' reading of the institution show that fold on their day,
before and after the registry reviews a day that may change it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock
from uuid import UUID

import pytest
from eventsourcing.domain import CanCreateTimestamp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from registry.bootstrap import Services
from registry.domain import commands
from registry.domain.commands import institutions as cmd
from registry.domain.errors import NotFound, RuleViolation
from registry.domain.institution import Institution
from registry.domain.principal import SYSTEM
from registry.projections import regulator_list, risk_tables
from registry.projections.regulator_list import listed
from tests.builders.codes import credit_code
from tests.builders.institutions import arts_school, bank_custody, licence
from tests.builders.principals import HAIDIAN

FIRST_DAY = date(2024, 1, 1)
LAST_DAY = date(2026, 12, 31)
serial = itertools.count(1)

days = st.integers(0, (LAST_DAY - FIRST_DAY).days).map(lambda n: FIRST_DAY + timedelta(n))
# Minutes between one recording and the next: within the hour up to a few weeks.
gaps = st.integers(1, 60 * 24 * 21).map(lambda m: timedelta(minutes=m))


@dataclass
class Recorded:
    """A decision the registry accepted: what, effective when, recorded when, where."""

    kind: str
    effective_on: date
    recorded_at: datetime
    position: int
    valid_to: date | None = None
    annuls: int | None = None


@dataclass
class Expected:
    status: str = "registered"
    valid_to: date | None = None
    supervised: bool = False
    blacklisted: bool = False
    fields: dict[str, Any] = field(default_factory=dict)


STATUS = {"licence": "licensed", "suspension": "suspended", "lift": "licensed"}


def expected(log: list[Recorded], on: date, known_at: datetime) -> Expected | None:
    """The plain fold: decisions recorded by ``known_at``, without those annulled by then,
    applied in order of effective date (then of recording) up to the end of ``on``."""
    known = [r for r in log if r.recorded_at <= known_at]
    annulled = {r.annuls for r in known if r.kind == "annulment"}
    counted = sorted(
        (r for r in known if r.kind != "annulment" and r.position not in annulled),
        key=lambda r: (r.effective_on, r.position),
    )
    if not counted or counted[0].kind != "registration" or counted[0].effective_on > on:
        return None
    state = Expected()
    for r in counted:
        if r.effective_on > on:
            break
        if r.kind in STATUS:
            state.status = STATUS[r.kind]
        if r.kind == "revocation":
            state.status = "revoked"
        if r.kind == "licence" or (r.kind == "renewal" and state.valid_to is not None):
            state.valid_to = r.valid_to
        if r.kind in ("supervision", "supervision_end"):
            state.supervised = r.kind == "supervision"
        if r.kind in ("blacklisting", "removal"):
            state.blacklisted = r.kind == "blacklisting"
    return state


def legitimate(e: Expected, on: date) -> bool:
    return (
        e.status == "licensed"
        and e.valid_to is not None
        and on <= e.valid_to
        and e.supervised
        and not e.blacklisted
    )


def command(
    kind: str, inst: UUID, day: date, pick: int, log: list[Recorded]
) -> tuple[commands.Command, date | None]:
    """The command of a step, and the licence end it sets (if any)."""
    if kind == "licence":
        valid_to = day + timedelta(days=200 + 20 * pick)
        return cmd.IssueLicence(
            institution_id=inst, **licence(valid_from=day, valid_to=valid_to)
        ), valid_to
    if kind == "renewal":
        valid_to = day + timedelta(days=400 + 30 * pick)
        return cmd.RenewLicence(institution_id=inst, valid_to=valid_to, renewed_on=day), valid_to
    if kind == "supervision":
        return cmd.EstablishFundSupervision(
            institution_id=inst, **bank_custody(established_on=day)
        ), None
    if kind == "supervision_end":
        return cmd.EndFundSupervision(institution_id=inst, reason="协议到期", ended_on=day), None
    if kind == "suspension":
        return cmd.SuspendEnrolment(
            institution_id=inst, decision_no=f"停{pick}", reason="违规", effective_from=day
        ), None
    if kind == "lift":
        return cmd.LiftSuspension(institution_id=inst, decision_no=f"复{pick}", lifted_on=day), None
    if kind == "revocation":
        return cmd.RevokeLicence(
            institution_id=inst,
            decision_no=f"吊{pick}",
            reason="严重违规",
            notice_served_on=day,
            effective_on=day,
        ), None
    if kind == "blacklisting":
        return cmd.Blacklist(
            institution_id=inst, reasons=["卷款"], decision_no=f"黑{pick}", listed_on=day
        ), None
    if kind == "removal":
        return cmd.RemoveFromBlacklist(
            institution_id=inst, decision_no=f"移{pick}", removed_on=day
        ), None
    target = log[pick % len(log)].position
    return cmd.AnnulDecision(
        institution_id=inst,
        position=target,
        decision_no=f"复议{pick}",
        reason="撤销",
        annulled_on=day,
    ), None


def record(services: Services, at: datetime, command: commands.Command) -> int | None:
    """Run the command as if recorded at ``at``; its log position, or None if refused."""
    with mock.patch.object(CanCreateTimestamp, "create_timestamp", staticmethod(lambda: at)):
        try:
            return services.registry.execute(HAIDIAN, command).position
        except (RuleViolation, NotFound):
            return None


def check(services: Services, inst: UUID, log: list[Recorded]) -> int:
    """Compare every answer on the interesting days and times; how many were compared."""
    days = {FIRST_DAY - timedelta(days=1), LAST_DAY + timedelta(days=400)}
    for r in log:
        days |= {r.effective_on - timedelta(days=1), r.effective_on}
        if r.valid_to:
            days |= {r.valid_to, r.valid_to + timedelta(days=1)}
    times = {r.recorded_at for r in log} | {r.recorded_at - timedelta(seconds=1) for r in log}
    compared = 0
    for on, known_at in itertools.product(sorted(days), sorted(times)):
        want = expected(log, on, known_at)
        public_id = str(inst)
        if want is None:
            with pytest.raises(NotFound):
                services.registry.institution(HAIDIAN, inst, as_of=on, known_at=known_at)
            with pytest.raises(NotFound):
                services.views.public_institution(public_id, on, known_at)
            continue
        view = services.registry.institution(HAIDIAN, inst, as_of=on, known_at=known_at)
        page = services.views.public_institution(public_id, on, known_at)
        valid_to = want.valid_to.isoformat() if want.valid_to else None
        for answer in (view, page):
            assert answer["status"] == want.status, (on, known_at)
            assert answer["legitimate"] is legitimate(want, on), (on, known_at)
        assert (view["licence"] or {}).get("valid_to") == valid_to
        assert page["licence_valid_to"] == valid_to
        assert (view["supervision"] is not None) is want.supervised
        assert (page["supervision_mode"] is not None) is want.supervised
        assert view["blacklisted"] is want.blacklisted
        compared += 1
    return compared


def review_days(log: list[Recorded]) -> set[date]:
    """The days a review may change what is in force: around each effective day and licence
    end, and well after all of them."""
    days = {LAST_DAY + timedelta(days=400)}
    for r in log:
        days |= {r.effective_on, r.effective_on + timedelta(days=1)}
        if r.valid_to:
            days |= {r.valid_to, r.valid_to + timedelta(days=1)}
    return days


def check_on_their_day(services: Services, inst: UUID, log: list[Recorded]) -> None:
    """The regulator's list and the risk alerts' reading of the institution show the fold of
    every decision on their day (the last day reviewed, or the last fact's day if later)."""
    with services.engine.connect() as conn:
        on = conn.execute(select(regulator_list.list_day.c.day)).scalar_one()
        row = conn.execute(select(listed).where(listed.c.id == str(inst))).mappings().one()
        risk_on = conn.execute(select(risk_tables.risk_day.c.day)).scalar_one()
        risk_row = (
            conn.execute(
                select(risk_tables.institutions).where(
                    risk_tables.institutions.c.institution_id == str(inst)
                )
            )
            .mappings()
            .one()
        )
    want = expected(log, on, END_OF_TIME)
    if want is None:
        assert (row["status"], row["legitimate"]) == ("registered", False), on
    else:
        assert (row["status"], row["legitimate"]) == (want.status, legitimate(want, on)), on
        assert row["licence_valid_to"] == want.valid_to, on
        assert (row["supervision_mode"] is not None) is want.supervised, on
        assert row["blacklisted"] is want.blacklisted, on
    assert risk_on == on
    if want is not None:
        ended = want.status == "revoked"
        assert risk_row["licence_status"] == want.status, on
        assert risk_row["licence_valid_to"] == (None if ended else want.valid_to), on


# What may follow, by the status the record stands in (a step may still be refused: its date
# may fall before what it follows, or the record may not allow it).
NEXT = {
    "registered": ("licence", "blacklisting", "removal", "annulment"),
    "licensed": (
        "renewal",
        "supervision",
        "supervision_end",
        "suspension",
        "revocation",
        "blacklisting",
        "removal",
        "annulment",
    ),
    "suspended": ("lift", "revocation", "renewal", "supervision", "supervision_end", "annulment"),
    "revoked": ("blacklisting", "removal", "annulment"),
}
END_OF_TIME = datetime(9999, 1, 1, tzinfo=UTC)


@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(registered_on=days, data=st.data())
def test_the_answer_on_a_day_as_known_at_a_time_is_the_fold_of_what_was_recorded_by_then(
    services: Services, registered_on: date, data: st.DataObject
) -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    code = credit_code(f"91110108MA2{next(serial):06d}")
    entry = cmd.RegisterInstitution(**arts_school(credit_code=code, registered_on=registered_on))
    position = record(services, at, entry)
    assert position is not None
    inst_id = Institution.create_id(code)
    log = [Recorded("registration", registered_on, at, position)]
    for _ in range(data.draw(st.integers(1, 10), label="steps")):
        now = expected(log, date.max, END_OF_TIME)
        assert now is not None
        kind = data.draw(st.sampled_from(NEXT[now.status]), label="kind")
        latest = max(r.effective_on for r in log)
        # Mostly after the last decision, sometimes before it (back-dated).
        day = latest + timedelta(days=data.draw(st.integers(-60, 240), label="offset"))
        day = min(max(day, FIRST_DAY), LAST_DAY)
        at += data.draw(gaps, label="gap")
        step, valid_to = command(kind, inst_id, day, data.draw(st.integers(0, 30)), log)
        position = record(services, at, step)
        if position is None:
            continue
        annuls = step.position if isinstance(step, cmd.AnnulDecision) else None
        log.append(Recorded(kind, day, at, position, valid_to, annuls))
    services.projector.run_once()

    assert check(services, inst_id, log) > 0
    check_on_their_day(services, inst_id, log)
    last = services.registry.last_reviewed_day()
    reviewed = data.draw(st.sampled_from(sorted(review_days(log))), label="reviewed")
    if last is None or reviewed > last:
        services.registry.review_day(SYSTEM, reviewed)
        services.projector.run_once()
        check_on_their_day(services, inst_id, log)
