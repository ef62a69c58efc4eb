"""Running the projector: in the server process (a thread) or alone (``registry project``).

It wakes on PostgreSQL's NOTIFY from the event store, or polls SQLite every ``poll`` seconds,
applies what is new, and lets the reactions (contract freezing) catch up too. A projection that
fails stops the runner loudly; it is not skipped. While the database is unavailable (a restart)
the runner waits, longer each time up to ``MAX_BACKOFF`` seconds, and goes on where the read
models' positions say once it answers again.

Once a day it records the day in the registry's clock (``DayReviewed``): time-based risk
signals (rectification overdue, licence expiring) are judged against that recorded day, so a
replay of the log raises them again on the same days.

A runner may keep only some read models (``registry project --only``), each with its own
position, so that several processes apply the log side by side; such a runner leaves the day's
review, the reactions and the checkpoints to the one that keeps them all.

It also signs a checkpoint of the hash chain when one is due: every 10,000 events, and every
10 minutes while events arrive (``adapters/checkpoints.py``).
"""

from __future__ import annotations

import logging
import threading
from contextlib import suppress
from datetime import date
from typing import Any

import psycopg

from registry.adapters.database import database_down
from registry.bootstrap import Services
from registry.domain.clock import today
from registry.domain.principal import SYSTEM
from registry.projections.projector import ConcurrentProjector

log = logging.getLogger("registry.projector")

MAX_BACKOFF = 5.0


class ProjectorRunner:
    def __init__(self, services: Services, poll: float = 0.1, reactions: bool = True) -> None:
        self.services = services
        self.poll = poll
        # Without reactions (``registry project --only``) it only applies events to its read
        # models: the day's review, the contract freezer and checkpoints run elsewhere.
        self.reactions = reactions
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self._reviewed: date | None = None

    def start(self) -> None:
        # Today's review is in the log before the thread (and the API beside it) gets going.
        self.review_today()
        self._thread = threading.Thread(target=self.run, name="projector", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run(self) -> None:
        """Apply events until stopped; raise (and record) the first projection failure."""
        listener = self._reconnect(None)
        backoff = self.poll
        try:
            while not self._stop.is_set():
                try:
                    if self.reactions:
                        self.review_today()
                    applied = self.services.projector.run_once()
                    if self.reactions:
                        self.services.registry.contract_freezer.run_once()
                        self.services.checkpoints.sign_if_due()
                except ConcurrentProjector:  # another process applied that batch: go on
                    continue
                except Exception as e:
                    if not database_down(e):
                        raise
                    log.warning("database unavailable, retrying in %.1f s: %s", backoff, e)
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, MAX_BACKOFF)
                    listener = self._reconnect(listener)
                    continue
                backoff = self.poll
                if listener is None and self.services.settings.backend == "postgresql":
                    listener = self._reconnect(None)
                if not applied:
                    try:
                        self._wait(listener)
                    except psycopg.Error:
                        listener = self._reconnect(listener)
        except BaseException as e:
            self.error = e
            log.error("projector stopped: %s", e)
            raise
        finally:
            if listener is not None:
                listener.close()

    def review_today(self) -> None:
        """Record today in the registry's clock unless it already is (checked once a day), and
        every day missed since the last one reviewed (the registry was stopped), each in turn."""
        day = today()
        if self._reviewed == day:
            return
        last = self.services.registry.last_reviewed_day()
        if last is None or last < day:
            self.services.registry.catch_up(SYSTEM, day)
        self._reviewed = day

    def _reconnect(
        self, listener: psycopg.Connection[Any] | None
    ) -> psycopg.Connection[Any] | None:
        """A new LISTEN connection for a lost one; ``None`` (poll) while none can be had."""
        if listener is not None:
            with suppress(psycopg.Error):
                listener.close()
        try:
            return self._listener()
        except psycopg.Error:
            return None

    def _listener(self) -> psycopg.Connection[Any] | None:
        """A LISTEN connection on the event store's channel (PostgreSQL only)."""
        settings = self.services.settings
        if settings.backend != "postgresql":
            return None
        env = settings.eventsourcing_env()
        conn = psycopg.connect(
            dbname=env["POSTGRES_DBNAME"],
            host=env["POSTGRES_HOST"],
            port=int(env["POSTGRES_PORT"]),
            user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"] or None,
            autocommit=True,
            connect_timeout=5,
        )
        channel = self.services.registry.store.recorder.channel_name  # type: ignore[attr-defined]
        conn.execute(f'LISTEN "{channel}"')
        return conn

    def _wait(self, listener: psycopg.Connection[Any] | None) -> None:
        if listener is None:
            self._stop.wait(self.poll)
            return
        for _ in listener.notifies(timeout=1.0, stop_after=1):
            break
