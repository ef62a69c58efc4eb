"""One rebuild of every read model, in a process of its own: prints seconds, events and peak RSS.

    REGISTRY_DATABASE_URL=... REGISTRY_DATABASE_SCHEMA=... python -m bench.rebuild

``bench/run.py`` runs it as a subprocess, so the peak RSS is the projector's alone.
"""

from __future__ import annotations

import json
import resource
import time

from registry.bootstrap import build_services
from registry.settings import Settings


def main() -> None:
    services = build_services(Settings())
    try:
        started = time.perf_counter()
        events = services.projector.rebuild()
        seconds = time.perf_counter() - started
    finally:
        services.close()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"events": events, "seconds": seconds, "peak_rss_mib": peak_mib}))


if __name__ == "__main__":
    main()
