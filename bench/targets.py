"""The read path's targets, printed by ``python -m bench`` with their verdicts."""

from __future__ import annotations

from typing import Any


def read_targets(r: dict[str, Any]) -> list[str]:
    """Each page against its targets: >= 2x the one-select baseline, p99 < 50 ms; and what
    share of the framework's ceiling (no database) it reaches."""
    lines = []
    for k in ("page_hot", "page_hot_revalidating", "page_cold", "search"):
        ratio = r[k]["rps_median"] / r["baseline"]["rps_median"]
        p99 = r[k]["p99_ms_median"]
        met = ratio >= 2 and p99 < 50
        lines.append(
            f"  target {r[k]['name']}: {ratio:.2f}x the baseline (>= 2x), p99 {p99:.1f} ms "
            f"(< 50 ms): {'met' if met else 'not met'}; "
            f"{r[k]['rps_median'] / r['ceiling']['rps_median']:.2f}x the ceiling"
        )
    return lines
