"""One rebuild in a process of its own: prints seconds, CPU seconds, events and peak RSS as one
JSON line.

    REGISTRY_DATABASE_URL=... REGISTRY_DATABASE_SCHEMA=... python -m bench.rebuild [--only NAME]
    REGISTRY_DATABASE_URL=... REGISTRY_DATABASE_SCHEMA=... python -m bench.rebuild --scan

Without options it rebuilds every read model; ``--only NAME`` rebuilds one read model with a
projector of that read model alone (as ``registry project --only NAME`` runs it), so several
such processes rebuild in parallel; ``--scan`` reads and decodes the log through the library
instead (the baseline, ``bench/log_scan.py``). ``bench/run.py`` and ``bench/rebuild_scan.py``
run it as a subprocess, so the peak RSS is that process's alone. ``started`` and ``ended`` are
wall-clock times, so that parallel runs can be timed from the first start to the last end.
``cpu_seconds`` is the process's CPU time over the same span (every thread, not the database
server's): on a loaded machine it moves less than the seconds do.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from uuid import UUID

from eventsourcing.application import Application

from bench.log_scan import scan
from registry.bootstrap import build_services
from registry.settings import Settings


class TheLogAsTheLibraryReadsIt(Application[UUID]):
    """The registry's log (same name, same tables) through the library's own recorder and
    mapper, with its own JSON transcoder: the baseline owes nothing to the registry's code."""

    name = "Registry"


def library_env(settings: Settings) -> dict[str, str]:
    env = settings.eventsourcing_env()
    env.pop("APPLICATION_RECORDER_TOPIC", None)
    return env


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", help="one read model, by its projector of its own")
    parser.add_argument("--scan", action="store_true", help="read and decode the log only")
    args = parser.parse_args()
    services = build_services(Settings(), only=[args.only] if args.only else None)
    try:
        started, t0, cpu0 = time.time(), time.perf_counter(), time.process_time()
        if args.scan:
            library = TheLogAsTheLibraryReadsIt(env=library_env(services.settings))
            events = scan(library.recorder, library.mapper)
        else:
            events = services.projector.rebuild()
        seconds = time.perf_counter() - t0
        cpu_seconds = time.process_time() - cpu0
        ended = time.time()
    finally:
        services.close()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "events": events,
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "peak_rss_mib": peak_mib,
                "started": started,
                "ended": ended,
            }
        )
    )


if __name__ == "__main__":
    main()
