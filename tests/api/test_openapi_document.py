"""The OpenAPI document a client is generated from: keys, refusals, closed lists, examples."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.openapi import rendered
from api.schemas.common import Body
from api.schemas.examples import EXAMPLES, OTHER_EXAMPLES
from registry.settings import Settings

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
PROBLEM_JSON = "application/problem+json"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    # The document needs no database: the app is built, never started.
    db = tmp_path_factory.mktemp("openapi") / "registry.db"
    return create_app(Settings(database_url=f"sqlite:///{db}"), run_projector=False)


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def test_the_committed_document_is_the_one_the_api_serves(app: FastAPI) -> None:
    served = TestClient(app).get("/openapi.json").json()
    assert served == json.loads(DOCUMENT.read_text(encoding="utf-8")), (
        "docs/openapi.json is stale: run `registry openapi --out docs/openapi.json`"
    )
    assert DOCUMENT.read_text(encoding="utf-8") == rendered(app)


def test_every_operation_outside_the_public_register_asks_for_a_bearer_key(
    document: dict[str, Any],
) -> None:
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearer"]["description"],
    }
    for path, method, operation in operations(document):
        public = path == "/health" or path.startswith("/v1/public/")
        if public:
            assert "security" not in operation, f"{method} {path} should need no key"
        else:
            assert operation.get("security") == [{"bearer": []}], f"{method} {path} needs a key"


def test_every_refusal_is_documented_as_problem_json(document: dict[str, Any]) -> None:
    for path, method, operation in operations(document):
        responses = operation["responses"]
        refusals = {code: answer for code, answer in responses.items() if code >= "400"}
        for code, answer in refusals.items():
            assert list(answer["content"]) == [PROBLEM_JSON], f"{method} {path} {code}"
        if operation.get("security"):
            assert {"401", "403"} <= refusals.keys(), f"{method} {path}"
        if "{" in path:
            assert "404" in refusals, f"{method} {path}"
        if operation.get("security") and "requestBody" in operation:
            assert {"409", "422"} <= refusals.keys(), f"{method} {path}"
            rule = refusals["422"]["content"][PROBLEM_JSON]["schema"]["oneOf"][0]
            assert rule == {"$ref": "#/components/schemas/RuleViolationProblem"}
        names = {p["name"] for p in operation.get("parameters", [])}
        if "consistent_after" in names:
            assert "503" in refusals, f"{method} {path}"
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert schemas["RuleViolationProblem"]["allOf"][1]["required"] == ["rule"]


def test_closed_lists_are_published_as_enumerations(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    kinds = schemas["PenaltyDecision"]["properties"]["kinds"]["items"]["enum"]
    assert {"warning", "fine", "licence_revocation"} <= set(kinds)
    assert schemas["InspectionRecord"]["properties"]["kind"]["enum"] == [
        "routine",
        "random",
        "complaint",
        "special",
        "fund_audit",
    ]
    assert schemas["SupervisionEstablish"]["properties"]["mode"]["enum"] == [
        "bank_custody",
        "risk_reserve",
    ]


def test_every_request_body_carries_an_example_its_schema_accepts(
    document: dict[str, Any],
) -> None:
    bodies = {cls.__name__: cls for cls in [*EXAMPLES, *OTHER_EXAMPLES]}
    for path, method, operation in operations(document):
        if "requestBody" not in operation:
            continue
        content = operation["requestBody"]["content"]["application/json"]
        assert "example" in content, f"{method} {path} has no example"
        name = content["schema"]["$ref"].rsplit("/", 1)[-1]
        bodies[name].model_validate(content["example"])


def test_every_body_of_the_api_has_an_example() -> None:
    def subclasses(cls: type[Body]) -> set[type[Body]]:
        found = set(cls.__subclasses__())
        return found.union(*(subclasses(c) for c in found))

    writes = {cls for cls in subclasses(Body) if "command" in vars(cls)}
    assert writes - EXAMPLES.keys() == set()


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_documentation_pages_load_nothing_from_another_host(app: FastAPI, page: str) -> None:
    client = TestClient(app)
    html = client.get(page)
    assert html.status_code == 200
    assert not re.findall(r"(?:src|href)=[\"']?(?:https?:)?//", html.text), html.text
    for asset in re.findall(r"(?:src|href)=[\"']?(/[^\"' >]+)", html.text):
        assert client.get(asset).status_code == 200, asset
