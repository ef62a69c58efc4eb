"""A request body and the command it becomes never drift apart.

Every body of ``api/schemas`` that names its ``command`` has exactly the command's fields,
apart from the ids the path supplies, and the same default for each field it lets a client
leave out. A field added to a command and forgotten in its body (or the reverse) fails here.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from typing import Any

import pytest
from pydantic.fields import FieldInfo

import api.schemas as schemas
from api.schemas.common import Body
from registry.domain.commands import Command

# The ids a request's path supplies; the body never carries them.
PATH_IDS = {"institution_id", "contract_id", "case_id", "order_id"}


def bodies_with_a_command() -> list[type[Body]]:
    """Each body class of a module of ``api.schemas`` that declares the command it becomes."""
    found: dict[str, type[Body]] = {}
    for module_info in pkgutil.iter_modules(schemas.__path__, f"{schemas.__name__}."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, Body) and "command" in vars(value):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


BODIES = bodies_with_a_command()


def command_default(field: dataclasses.Field[Any]) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return dataclasses.MISSING


def body_default(field: FieldInfo) -> Any:
    return field.get_default(call_default_factory=True)


def test_the_bodies_of_every_resource_are_found() -> None:
    modules = {body.__module__ for body in BODIES}

    assert modules == {
        "api.schemas.institutions",
        "api.schemas.contracts",
        "api.schemas.refund_cases",
    }
    assert len(BODIES) >= 30


@pytest.mark.parametrize("body", BODIES, ids=[b.__name__ for b in BODIES])
def test_a_body_has_exactly_its_commands_fields_but_the_ids_of_the_path(
    body: type[Body],
) -> None:
    command: type[Command] = body.command
    command_fields = {f.name for f in dataclasses.fields(command)}
    body_fields = set(body.model_fields)

    assert body_fields - command_fields == set(), (
        f"{body.__name__} has fields {command.__name__} lacks"
    )
    assert command_fields - body_fields <= PATH_IDS, (
        f"{command.__name__} has fields {body.__name__} lacks"
    )


@pytest.mark.parametrize("body", BODIES, ids=[b.__name__ for b in BODIES])
def test_a_field_a_body_lets_a_client_leave_out_has_the_commands_default(
    body: type[Body],
) -> None:
    command_fields = {f.name: f for f in dataclasses.fields(body.command)}

    differing = {
        name: (body_default(field), command_default(command_fields[name]))
        for name, field in body.model_fields.items()
        if not field.is_required()
        and name in command_fields
        and body_default(field) != command_default(command_fields[name])
    }

    assert differing == {}, f"{body.__name__} (body default, command default)"
