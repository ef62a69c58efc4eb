"""The refusals of the API as exceptions: problem+json in, the registry's own error types out.

Each class is also the registry's error of the same name (``registry.domain.errors``), so code
that handles a ``RuleViolation`` handles it whether the registry ran in-process or over HTTP.
Every one carries the HTTP ``status`` and the ``problem`` body as the server sent it.
"""

from __future__ import annotations

from typing import Any

import registry.domain.errors as errors


class ApiError(errors.RegistryError):
    """A refusal the API answered (or an answer the client could not use)."""

    status: int = 0
    problem: dict[str, Any] = {}  # set by ``from_problem``


class Unauthenticated(ApiError, errors.Unauthenticated):
    """401: no key, or one that is unknown, revoked or expired."""


class Forbidden(ApiError, errors.Forbidden):
    """403: the key's role or districts do not allow this."""


class NotFound(ApiError, errors.NotFound):
    """404: no such record."""


class Conflict(ApiError, errors.Conflict):
    """409: already registered, or the version named in If-Match is stale."""


class RuleViolation(ApiError, errors.RuleViolation):
    """422 naming a rule: ``rule`` is its stable id (docs/domain.md)."""


class InvalidInput(ApiError, errors.InvalidInput):
    """422 for malformed input; ``errors`` lists the fields at fault."""

    @property
    def errors(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.problem.get("errors") or []
        return found


class NotYetConsistent(ApiError, errors.NotYetConsistent):
    """503: the read models did not catch up in time, even after the client's retries."""


class TooManyRequests(ApiError):
    """429: the server asks the client to slow down, even after the client's retries."""


class ServerError(ApiError):
    """Any other answer outside 2xx (a 500, a proxy's error page, …)."""


def from_problem(status: int, problem: dict[str, Any]) -> ApiError:
    """The exception for an answer of ``status`` whose body was ``problem``."""
    detail = str(problem.get("detail") or problem.get("title") or f"HTTP {status}")
    error: ApiError
    if status == 422 and problem.get("rule"):
        error = RuleViolation(str(problem["rule"]), detail)
    elif status == 422:
        fields = problem.get("errors") or [{}]
        loc = fields[0].get("loc") or []
        error = InvalidInput(detail, ".".join(str(part) for part in loc) or None)
    else:
        kind: type[ApiError] = {
            401: Unauthenticated,
            403: Forbidden,
            404: NotFound,
            409: Conflict,
            429: TooManyRequests,
            503: NotYetConsistent,
        }.get(status, ServerError)
        error = kind(detail)
    error.status = status
    error.problem = problem
    return error
