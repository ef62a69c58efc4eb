"""The fuzzing run's one check: no server error (``SCHEMATHESIS_HOOKS`` loads this module).

A 503 passes only as the registry's "read models are catching up" answer, with Retry-After.
"""

from __future__ import annotations

from typing import Any

import schemathesis


@schemathesis.check
def no_server_error(ctx: Any, response: Any, case: Any) -> None:
    status = response.status_code
    if status < 500:
        return
    if status == 503 and "retry-after" in {k.lower() for k in response.headers}:
        body = response.json() if response.content else {}
        if body.get("title") == "Read models are catching up":
            return
    raise AssertionError(f"{status} on {case.method} {case.formatted_path}: {response.text[:300]}")
