"""The event store's pooled PostgreSQL connections, checked only once they may have gone stale.

With ``POSTGRES_PRE_PING`` the library's pool sends an empty statement on every connection it
hands out: a round trip before each read of an aggregate and before each save, about a fifth
of the time a regulator's write spent in its worker thread in a profile of the API under load.
``check_when_stale`` keeps that check for connections not checked for ``stale_after`` seconds
(idle in the pool, where a database restart breaks them unseen) and skips it for the ones that
answered a check just before. If the database went away within that second, the
first statement on such a connection fails as the ping would have: every method of the
library's PostgreSQL recorders retries on ``OperationalError`` and ``InterfaceError``, and the
pool throws a broken connection away when it comes back, so the retry takes another.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

STALE_AFTER = 1.0  # seconds


class CheckWhenStale:
    """A pool's connection check, run only on connections not checked for a while."""

    def __init__(self, check: Callable[[Any], None], stale_after: float = STALE_AFTER) -> None:
        self.check = check
        self.stale_after = stale_after
        self._checked: WeakKeyDictionary[Any, float] = WeakKeyDictionary()
        self._lock = threading.Lock()

    def __call__(self, conn: Any) -> None:
        now = time.monotonic()
        with self._lock:
            checked = self._checked.get(conn)
        if checked is not None and now - checked < self.stale_after:
            return
        self.check(conn)  # raises if the connection is broken: the pool takes another
        with self._lock:
            self._checked[conn] = time.monotonic()


def check_when_stale(recorder: object, stale_after: float = STALE_AFTER) -> bool:
    """Put ``CheckWhenStale`` in front of the check of the PostgreSQL pool behind
    ``recorder``, if it has one and checks its connections (``POSTGRES_PRE_PING``); answers
    whether it did. Any other recorder, or a pool without that check, is left as it is."""
    pool = getattr(getattr(recorder, "datastore", None), "pool", None)
    # psycopg_pool keeps the ``check`` it was built with here; if a later version keeps it
    # elsewhere, nothing changes and every connection is still checked.
    check = getattr(pool, "_check", None)
    if check is None or isinstance(check, CheckWhenStale):
        return False
    pool._check = CheckWhenStale(check, stale_after)  # type: ignore[union-attr]
    return True
