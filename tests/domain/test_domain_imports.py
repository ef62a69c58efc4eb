"""The write model depends on nothing but the standard library and ``eventsourcing.domain``."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "registry" / "domain"
ALLOWED_PACKAGES = ("eventsourcing.domain", "registry.domain")


def _imported_modules(tree: ast.Module) -> list[tuple[int, str]]:
    """Every module a file imports, with its line; relative imports stay inside the domain."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            # ``from eventsourcing import domain`` imports eventsourcing.domain: judge each name.
            module = "registry.domain" if node.level else (node.module or "")
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
    return found


def _allowed(module: str) -> bool:
    top = module.split(".")[0]
    return top in sys.stdlib_module_names or any(
        module == package or module.startswith(package + ".") for package in ALLOWED_PACKAGES
    )


def test_the_domain_imports_only_the_standard_library_and_eventsourcing_domain() -> None:
    files = sorted(DOMAIN.rglob("*.py"))
    assert files, f"no Python files under {DOMAIN}"

    offending = [
        f"{path.relative_to(DOMAIN.parents[1])}:{line} imports {module}"
        for path in files
        for line, module in _imported_modules(ast.parse(path.read_text(encoding="utf-8")))
        if not _allowed(module)
    ]

    assert offending == []
