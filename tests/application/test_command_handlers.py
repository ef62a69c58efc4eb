"""Every typed command has its handler: none can be built that ``Registry.execute`` refuses.

The commands are the dataclasses of ``registry.domain.commands``; the registry runs each through
the handler its table holds for the command's class, and refuses a command it has no handler for.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass, is_dataclass

import pytest

import registry.domain.commands as commands
from registry.bootstrap import Services
from registry.domain.commands import Command
from registry.domain.errors import InvalidInput
from tests.builders.principals import ADMIN


def command_classes() -> list[type[Command]]:
    """Each command class declared in a module of ``registry.domain.commands``."""
    found: list[type[Command]] = []
    for module_info in pkgutil.iter_modules(commands.__path__, f"{commands.__name__}."):
        module = importlib.import_module(module_info.name)
        found += [
            value
            for value in vars(module).values()
            if inspect.isclass(value)
            and issubclass(value, Command)
            and value.__module__ == module.__name__
            and is_dataclass(value)
        ]
    return found


def test_the_commands_of_institutions_contracts_and_cases_are_all_found() -> None:
    modules = {cls.__module__.rsplit(".", 1)[-1] for cls in command_classes()}

    assert modules == {"institutions", "contracts", "cases"}
    assert len(command_classes()) >= 30


def test_every_command_class_has_a_handler_in_the_registry(services: Services) -> None:
    handled = services.registry._handlers  # the one table ``execute`` looks commands up in

    unhandled = [cls.__name__ for cls in command_classes() if cls not in handled]

    assert unhandled == []


def test_a_command_without_a_handler_is_refused_as_not_a_command_of_the_registry(
    services: Services,
) -> None:
    @dataclass(frozen=True, kw_only=True)
    class ApproveTuitionRise(Command):
        """Not a decision the registry records."""

    before = services.registry.store.head()

    with pytest.raises(InvalidInput) as refused:
        services.registry.execute(ADMIN, ApproveTuitionRise())

    assert "is not a command of the registry" in str(refused.value)
    assert services.registry.store.head() == before
