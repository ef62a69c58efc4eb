"""The deployment files agree with each other: compose, Dockerfile, CI script and README."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return compose["services"]


def _env_file(name: str) -> dict[str, str]:
    """An env file the compose file names, as the example committed beside it gives it."""
    path = ROOT / f"{name}.example"
    assert path.is_file(), f"{name} is named by docker-compose.yml but {path.name} is missing"
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def _environment(service: dict[str, Any]) -> dict[str, str]:
    """The service's environment: its env files, then its own ``environment``."""
    files = service.get("env_file") or []
    found: dict[str, str] = {}
    for name in [files] if isinstance(files, str) else files:
        found.update(_env_file(name))
    env = service.get("environment") or {}
    if isinstance(env, list):
        found.update(item.split("=", 1) for item in env)
    else:
        found.update({key: str(value) for key, value in env.items()})
    return found


def _command(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def _build_context(service: dict[str, Any]) -> str:
    build = service["build"]
    return build if isinstance(build, str) else build.get("context", ".")


def _published_container_ports(service: dict[str, Any]) -> set[int]:
    ports = set()
    for port in service.get("ports", []):
        if isinstance(port, dict):
            ports.add(int(port["target"]))
        else:
            ports.add(int(str(port).split("/")[0].rsplit(":", 1)[-1]))
    return ports


def _exposed_ports() -> set[int]:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    ports = set()
    for line in dockerfile.splitlines():
        match = re.match(r"\s*EXPOSE\s+(.+)", line, re.IGNORECASE)
        if match:
            ports.update(int(port.split("/")[0]) for port in match.group(1).split())
    return ports


def _readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line.strip() for line in readme.splitlines() if "pytest" in line]
    commands = [
        line for line in lines if line.startswith(("python", ".venv")) and "pip" not in line
    ]
    assert commands, "README.md gives no pytest command"
    return commands[0]


def test_compose_defines_the_database_the_api_and_the_projector(services: dict[str, Any]) -> None:
    assert {"db", "api", "projector"} <= services.keys()


def test_one_image_is_built_from_the_dockerfile_and_the_projector_runs_it_too(
    services: dict[str, Any],
) -> None:
    context = ROOT / _build_context(services["api"])
    assert context.resolve() == ROOT
    assert (context / "Dockerfile").is_file()
    assert "build" not in services["projector"]
    assert services["projector"]["image"] == services["api"]["image"]
    assert services["projector"]["pull_policy"] == "never"


def test_the_api_is_healthy_only_when_health_answers_and_everything_restarts(
    services: dict[str, Any],
) -> None:
    check = " ".join(services["api"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/health" in check
    assert services["projector"]["depends_on"]["api"]["condition"] == "service_healthy"
    for name, service in services.items():
        assert service.get("restart") in ("unless-stopped", "always"), name


def test_no_password_is_written_in_the_compose_file() -> None:
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    example = _env_file("registry.env")
    assert "PASSWORD:" not in compose and "PASSWORD=" not in compose
    assert example["POSTGRES_PASSWORD"] not in compose
    assert "registry.env" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_the_api_serves_on_the_port_the_image_exposes_and_compose_publishes(
    services: dict[str, Any],
) -> None:
    command = _command(services["api"])
    assert command[command.index("--port") + 1] == "8000"
    assert 8000 in _published_container_ports(services["api"])
    assert 8000 in _exposed_ports()


def test_the_api_and_projector_reach_the_compose_database_with_its_credentials(
    services: dict[str, Any],
) -> None:
    api_url = _environment(services["api"])["REGISTRY_DATABASE_URL"]
    projector_url = _environment(services["projector"])["REGISTRY_DATABASE_URL"]
    assert api_url == projector_url

    url = urlsplit(api_url)
    db = _environment(services["db"])
    assert url.scheme.startswith("postgresql")
    assert url.hostname == "db" and "db" in services
    assert url.username == db["POSTGRES_USER"]
    assert url.password == db["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == db["POSTGRES_DB"]


def test_the_api_and_projector_wait_for_the_database(services: dict[str, Any]) -> None:
    for name in ("api", "projector"):
        assert "db" in services[name]["depends_on"]


def test_the_ci_script_is_executable_and_installs_the_project_with_its_test_extras() -> None:
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    # `pip install -e '.[test]'`, quiet flags allowed.
    assert re.search(r"pip install (-q )?-e '\.\[test\]'", script.read_text(encoding="utf-8"))


def test_the_ci_script_runs_the_test_command_the_readme_gives() -> None:
    script_lines = [
        line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    ]
    readme_command = _readme_test_command()
    assert any(
        line == readme_command or line == f".venv/bin/{readme_command}" for line in script_lines
    ), f"no line of .ci/run runs {readme_command!r}"


def test_the_api_and_the_projector_sign_with_one_key_kept_in_a_volume(
    services: dict[str, Any],
) -> None:
    api, projector = services["api"], services["projector"]
    key_file = _environment(api)["REGISTRY_SIGNING_KEY_FILE"]
    assert _environment(projector)["REGISTRY_SIGNING_KEY_FILE"] == key_file
    mounts = {v.split(":")[1]: v.split(":")[0] for v in api["volumes"]}
    assert mounts == {v.split(":")[1]: v.split(":")[0] for v in projector["volumes"]}
    folder = key_file.rsplit("/", 1)[0]
    assert folder in mounts
