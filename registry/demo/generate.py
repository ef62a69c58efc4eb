"""Deterministic synthetic event logs for benchmarks and tests: the scale generator's data.

Writes institutions of ``registry.demo.scale_lives`` (lifecycles, contracts, fees, lessons,
releases, breaches) through the domain aggregates and ``EventStore.save``, several institutions
per transaction, so the log is exactly what the application would have written. ``registry demo
--institutions N`` loads the same data; this module only adds "about this many events".
"""

from __future__ import annotations

from collections.abc import Callable

from registry.application.registry import Registry
from registry.demo.scale_load import LoadReport, load

__all__ = ["LoadReport", "generate", "load"]


def generate(
    registry: Registry,
    events: int,
    seed: int = 7,
    contracts_per_institution: int = 20,
    progress: Callable[[int], None] | None = None,
    batch_events: int = 1000,
) -> int:
    """Append about ``events`` events (at least that many, institutions whole); answers how
    many were written. ``progress`` is called with the events written so far after each batch.
    """
    written = [0]

    def counted(_institutions: int) -> None:
        if progress:
            progress(written[0])

    report = load(
        registry,
        institutions=max(events, 1),  # each institution brings at least one event
        contracts_per_institution=contracts_per_institution,
        seed=seed,
        batch_events=batch_events,
        until_events=events,
        progress=counted if progress else None,
    )
    return report.events
