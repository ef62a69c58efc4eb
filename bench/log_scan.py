"""The rebuild's baseline: reading and decoding the whole log through the library, nothing else.

The library's own recorder reads the notification log in batches of 5,000
(``select_notifications``) and its mapper decodes every stored event into a domain event
(``mapper.to_domain_event``): the least any rebuild of read models must do. The rebuild target
is a ratio to this rate, measured on the same log in the same run (``bench/rebuild_scan.py``).
"""

from __future__ import annotations

from typing import Any

BATCH = 5_000


def scan(recorder: Any, mapper: Any, batch: int = BATCH) -> int:
    """Read and decode every event of the log; answers how many were read."""
    read, start = 0, 1
    while True:
        notifications = recorder.select_notifications(start=start, limit=batch)
        if not notifications:
            return read
        for notification in notifications:
            mapper.to_domain_event(notification)
        read += len(notifications)
        start = notifications[-1].id + 1
