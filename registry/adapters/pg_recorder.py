"""The event store's PostgreSQL recorder, inserting a batch as four binary arrays.

The library's ``PostgresApplicationRecorder`` sends a batch of stored events as one array of a
composite type, which psycopg renders as text in Python, escaping every field (the state bytes
too) with regular expressions: about 40 µs an event, most of the cost of saving a large batch.
This subclass sends the same rows as four arrays (ids, versions, topics, states) in binary,
about a third of that. Everything else is the library's own: the same table, the same
``LOCK TABLE ... IN EXCLUSIVE MODE`` and ``NOTIFY`` before the insert in the same transaction,
the notification ids returned in insert order, the same errors on a version conflict.

After the insert, still in its transaction and under its lock, the recorder runs the registry's
insert steps (the hash chain, ``chain.py``, its rows also sent as two binary arrays) with the
same cursor, and then writes the rows the save asked to commit with its events
(``with_events.py``: an Idempotency-Key's answer): a step that fails rolls the events back too.

The insert transaction is the recorder's own, sent as one pipeline: ``BEGIN``, the lock, the
``NOTIFY``, the insert and the read of the chain's head go to the server together and are
answered in one round trip, the chain rows and ``COMMIT`` in a second. The library's
``insert_events`` opens a psycopg ``transaction()`` inside its pipeline, which waits for the
answer to ``BEGIN`` alone, and the chain's head was read in a round trip of its own: four round
trips for a regulator's single write, two now.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg import Cursor
from psycopg.pq import TransactionStatus
from psycopg.rows import DictRow, tuple_row
from psycopg.sql import SQL, Identifier

from registry.adapters.chain import CHAIN_TABLE, ChainStep
from registry.adapters.with_events import InsertTransaction, write_all


class BinaryArraysPostgresRecorder(PostgresApplicationRecorder):
    """``PostgresApplicationRecorder`` with a cheaper encoding of the inserted rows."""

    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        schema = self.datastore.schema
        self.chain = ChainStep(
            placeholder="%s",
            table=f'"{schema}"."{CHAIN_TABLE}"',
            events_table=f'"{schema}"."{self.events_table_name}"',
            position_column="notification_id",
            column_types=("bigint", "bytea"),
            arrays=True,
        )
        self.sql_create_statements.append(SQL(self.chain.create_table))  # type: ignore[arg-type]
        self.insert_events_statement = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
            "SELECT * FROM unnest(%b::{id_type}[], %b::bigint[], %b::text[], %b::bytea[]) "
            "RETURNING notification_id"
        ).format(
            schema=Identifier(self.datastore.schema),
            table=Identifier(self.events_table_name),
            id_type=Identifier(self.datastore.originator_id_type),
        )
        self.select_events_of_statement = SQL(
            "SELECT originator_id, originator_version, topic, state FROM {schema}.{table} "
            "WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_events_of(self, originator_ids: Sequence[UUID]) -> list[StoredEvent]:
        """Every event of these aggregates, each one's in version order, in one query."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.select_events_of_statement, (list(originator_ids),), prepare=True)
            return [
                StoredEvent(
                    originator_id=row["originator_id"],
                    originator_version=row["originator_version"],
                    topic=row["topic"],
                    state=bytes(row["state"]),
                )
                for row in curs.fetchall()
            ]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_rows(
        self, start: int, stop: int, topics: Sequence[str] = ()
    ) -> list[tuple[int, str, int, str, bytes]]:
        """The stored events after position ``start`` up to ``stop`` (of ``topics`` only, if
        given), in log order, as plain tuples: (position, stream id as text, version, topic,
        state). What ``select_notifications`` reads, without building its objects."""
        table = SQL("{schema}.{table}").format(
            schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name)
        )
        statement = SQL(
            "SELECT notification_id, originator_id::text, originator_version, topic, state "
            "FROM {table} WHERE notification_id > %s AND notification_id <= %s"
        ).format(table=table)
        params: list[Any] = [start, stop]
        if topics:
            statement += SQL(" AND topic = ANY(%s)")
            params.append(list(topics))
        statement += SQL(" ORDER BY notification_id")
        with (
            self.datastore.get_connection() as conn,
            conn.cursor(row_factory=tuple_row) as curs,
        ):
            curs.execute(statement, params, prepare=True)
            return curs.fetchall()

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Insert the events, chain them and write the rows to commit with them, in one
        transaction sent in two round trips; the positions of the events in insert order."""
        if not stored_events or self.datastore.enable_db_functions:
            inserted: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
            return inserted
        failed: BaseException | None = None
        positions: list[int] = []
        with self.datastore.get_connection() as conn:
            try:
                with conn.pipeline() as pipeline, conn.cursor() as curs, conn.cursor() as head:
                    try:
                        curs.execute("BEGIN", prepare=False)
                        self._insert_events(curs, stored_events, **kwargs)
                        self._insert_stored_events(curs, stored_events, **kwargs)
                        head.execute(self.chain.select_head)
                        # A conflicting version raises here, not at COMMIT.
                        pipeline.sync()
                        positions = [row["notification_id"] for row in curs.fetchall()]
                        self.chain.write(curs, stored_events, positions, head.fetchone())
                        tx = InsertTransaction("postgresql", curs, schema=self.datastore.schema)
                        write_all(tx, positions, kwargs)
                        curs.execute("COMMIT", prepare=False)
                        pipeline.sync()
                    except BaseException as e:  # raised once the pipeline is left (no warning)
                        failed = e
            except psycopg.errors.PipelineAborted:
                # Leaving a pipeline that a failed statement aborted says only that: the
                # statement's own error (a conflicting version, say) is the one to raise, or
                # a conflict would be taken for a lost connection and retried after a wait.
                if failed is None:
                    raise
            if failed is not None:
                if conn.info.transaction_status != TransactionStatus.IDLE:
                    with suppress(psycopg.Error):
                        conn.execute("ROLLBACK")
                raise failed
        return positions

    def _insert_stored_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **_: Any
    ) -> None:
        self._lock_table(curs)
        self._notify_channel(curs)
        curs.execute(
            self.insert_events_statement,
            (
                [e.originator_id for e in stored_events],
                [e.originator_version for e in stored_events],
                [e.topic for e in stored_events],
                [e.state for e in stored_events],
            ),
            prepare=True,
        )
