"""The project's modules import one another in one direction, with no circles.

Every ``import`` counts: at module level, inside functions, and under ``TYPE_CHECKING``, so a
circle cannot hide behind a deferred import. The layers are those of docs/architecture.md.
"""

from __future__ import annotations

import ast
import functools
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("registry", "api", "cli")

# What each layer may import from the project (a layer may always import itself).
ALLOWED: dict[str, tuple[str, ...]] = {
    "registry": (),  # the package itself: a docstring, nothing imported
    "registry.domain": (),
    "registry.settings": (),
    "registry.privacy": (),
    "registry.adapters": ("registry.domain", "registry.settings"),
    "registry.casefile": ("registry.domain",),
    "registry.projections": (
        "registry.domain",
        "registry.adapters",
        "registry.settings",
        "registry.privacy",
    ),
    "registry.application": (
        "registry.domain",
        "registry.adapters",
        "registry.settings",
        "registry.privacy",
        "registry.casefile",
    ),
    # The HTTP client runs where the server does not: it takes the commands, their closed lists
    # and the error types, nothing that needs the event store, a database or the web framework.
    "registry.client": (
        "registry.domain.commands",
        "registry.domain.vocabulary",
        "registry.domain.errors",
    ),
    "registry.bootstrap": ("registry",),
    "registry.runner": ("registry",),
    "registry.verification": ("registry",),
    "registry.demo": ("registry",),
    "api": ("registry", "api"),
    "cli": ("registry", "api", "cli"),
}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imported_names(name: str, path: Path) -> Iterator[str]:
    """Every module name ``path`` imports, wherever the import statement stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


@functools.cache
def graph() -> dict[str, set[str]]:
    """Project module → the project modules it imports."""
    known = modules()
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        edges[name] = {n for n in imported_names(name, path) if n in known and n != name}
    return edges


def layer_of(module: str) -> str:
    matches = [layer for layer in ALLOWED if module == layer or module.startswith(layer + ".")]
    if not matches:
        raise AssertionError(f"{module} belongs to no layer of docs/architecture.md")
    return max(matches, key=len)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_module_of_the_project_imports_itself_back_through_others() -> None:
    assert cycles(graph()) == []


def test_a_circle_hidden_behind_a_deferred_import_is_still_found() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c"]]


@pytest.mark.parametrize("module", sorted(modules()))
def test_each_module_imports_only_from_the_layers_beneath_it(module: str) -> None:
    layer = layer_of(module)
    allowed = (layer, *ALLOWED[layer])
    outside = sorted(
        imported
        for imported in graph()[module]
        if not any(imported == a or imported.startswith(a + ".") for a in allowed)
    )
    assert outside == [], f"{module} ({layer}) imports {outside}"


def test_the_domain_imports_only_the_standard_library_and_the_event_library() -> None:
    for name, path in modules().items():
        if layer_of(name) != "registry.domain":
            continue
        for imported in imported_names(name, path):
            top = imported.split(".")[0]
            assert imported.startswith(("registry.domain", "eventsourcing.domain")) or (
                top in sys.stdlib_module_names
            ), f"{name} imports {imported}"


def test_the_client_loads_without_the_server_side() -> None:
    import subprocess

    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, registry.client; print(sorted({m.split('.')[0] for m in sys.modules}))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    for server_side in ("eventsourcing", "sqlalchemy", "fastapi", "starlette", "uvicorn"):
        assert f"'{server_side}'" not in loaded, f"registry.client loads {server_side}"
