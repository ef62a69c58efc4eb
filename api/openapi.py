"""The OpenAPI document clients are generated from: security, every error answer, examples.

FastAPI describes the success answers and the bearer scheme (``api/auth.py`` declares it on
every operation that needs a key). This module adds what FastAPI does not know:

- every refusal an operation can answer, as ``application/problem+json`` (RFC 9457): 401 and
  403 where a key is needed, 404 where the path names a record, 409 for writes (duplicate,
  stale ``If-Match``), 422 (a rule violation names its ``rule``; bad input lists ``errors``),
  503 where ``consistent_after`` may time out;
- one example per request body (``api/schemas/examples.py``).

The document is committed as ``docs/openapi.json``; a test fails when the served one drifts.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.schemas.examples import example_of

PROBLEM_JSON = "application/problem+json"
WRITE_METHODS = ("post", "put", "patch", "delete")

PROBLEM_SCHEMAS: dict[str, dict[str, Any]] = {
    "Problem": {
        "title": "Problem",
        "description": "RFC 9457 problem details: why a request was refused.",
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "examples": ["about:blank"]},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
        },
    },
    "RuleViolationProblem": {
        "title": "RuleViolationProblem",
        "description": "A regulatory rule refuses the command; ``rule`` is its stable id "
        "(docs/domain.md) and ``type`` is ``urn:registry:rule:<rule>``.",
        "allOf": [
            {"$ref": "#/components/schemas/Problem"},
            {
                "type": "object",
                "required": ["rule"],
                "properties": {"rule": {"type": "string", "examples": ["prepaid.max_lessons"]}},
            },
        ],
    },
    "InvalidInputProblem": {
        "title": "InvalidInputProblem",
        "description": "The request is malformed; ``errors`` names each field at fault.",
        "allOf": [
            {"$ref": "#/components/schemas/Problem"},
            {
                "type": "object",
                "required": ["errors"],
                "properties": {
                    "errors": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["loc", "msg"],
                            "properties": {
                                "loc": {
                                    "type": "array",
                                    "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                                },
                                "msg": {"type": "string"},
                                "type": {"type": "string"},
                            },
                        },
                    }
                },
            },
        ],
    },
}


def _problem(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": schema}}}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def refusals(path: str, method: str, operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The problem+json answers an operation may give, by status code."""
    secured = bool(operation.get("security"))
    params = {p["name"] for p in operation.get("parameters", [])}
    has_body = "requestBody" in operation
    write = secured and method in WRITE_METHODS and has_body
    found: dict[str, dict[str, Any]] = {}
    if secured:
        found["401"] = _problem(
            "No API key, or one that is unknown, revoked or expired.", _ref("Problem")
        )
        found["403"] = _problem("The key's role or districts do not allow this.", _ref("Problem"))
    if "{" in path:
        found["404"] = _problem("No such record (or not before that date).", _ref("Problem"))
    if write:
        found["409"] = _problem(
            "A conflict with the current state: already registered, or a stale If-Match.",
            _ref("Problem"),
        )
    if write:
        found["422"] = _problem(
            "A rule refuses the command (``rule`` names it), or the body is malformed "
            "(``errors`` names the fields); the same Idempotency-Key with another body too.",
            {"oneOf": [_ref("RuleViolationProblem"), _ref("InvalidInputProblem")]},
        )
    elif params or has_body:
        found["422"] = _problem("A parameter is malformed.", _ref("InvalidInputProblem"))
    if "consistent_after" in params:
        found["503"] = _problem(
            "The read models did not reach ``consistent_after`` in time; retry after "
            "``Retry-After`` seconds.",
            _ref("Problem"),
        )
    return found


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the refusals and the examples to FastAPI's document (in place; also returned)."""
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, answer in refusals(path, method, operation).items():
                responses[status] = answer
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None:
                name = body.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
                example = example_of(name)
                if example is not None:
                    body["example"] = example
    # FastAPI's own 422 shape is replaced by the problem+json ones above.
    for unused in ("HTTPValidationError", "ValidationError"):
        if unused not in json.dumps(schema["paths"]):
            schemas.pop(unused, None)
    schemas.update(PROBLEM_SCHEMAS)
    components["schemas"] = dict(sorted(schemas.items()))
    return schema


def install_openapi(app: FastAPI) -> None:
    """Serve the completed document at ``/openapi.json`` (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    summary=app.summary,
                    description=app.description,
                    routes=app.routes,
                    tags=app.openapi_tags,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def rendered(app: FastAPI) -> str:
    """The document as committed in ``docs/openapi.json``."""
    return json.dumps(app.openapi(), ensure_ascii=False, indent=2) + "\n"
