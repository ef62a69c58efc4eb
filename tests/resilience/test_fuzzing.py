"""Fuzzing the live API from its OpenAPI schema finds no server error, on either database.

A bounded schemathesis run (examples, coverage, fuzzing and stateful phases, a minute of it)
sends generated requests with an admin key to a real server process. Any 5xx fails it, but
for a 503 that says the read models are catching up and carries Retry-After
(``fuzz_checks.py``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from registry.bootstrap import build_services
from registry.settings import Settings

SECONDS = 50
HERE = Path(__file__).resolve().parent


@pytest.mark.fuzz
def test_generated_requests_with_an_admin_key_meet_no_server_error(
    settings: Settings, serve: Any, tmp_path: Path
) -> None:
    services = build_services(settings)
    _, admin = services.keys.create("admin", [], "教育部校外教育培训监管司")
    services.close()
    st = Path(sys.executable).parent / "st"
    with serve(settings) as (url, _):
        run = subprocess.run(
            [
                str(st),
                "run",
                f"{url}/openapi.json",
                "--header",
                f"Authorization: Bearer {admin}",
                "--checks",
                "no_server_error",
                "--max-time",
                str(SECONDS),
                "--workers",
                "1",
                "--request-timeout",
                "10",
            ],
            env={
                **os.environ,
                "SCHEMATHESIS_HOOKS": "fuzz_checks",
                "PYTHONPATH": os.pathsep.join(
                    filter(None, [str(HERE), os.environ.get("PYTHONPATH")])
                ),
                "NO_COLOR": "1",
            },
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=SECONDS * 3,
        )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert " passed" in run.stdout
