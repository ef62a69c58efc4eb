"""One error hierarchy for the whole registry; the API maps it to HTTP in one place."""

from __future__ import annotations


class RegistryError(Exception):
    """Base of every error the registry raises on purpose."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(RegistryError):
    """The institution, contract, case or key does not exist (HTTP 404)."""


class Conflict(RegistryError):
    """The command clashes with the current state: duplicate, stale version (HTTP 409)."""


class Forbidden(RegistryError):
    """The principal's role or districts do not allow the command (HTTP 403)."""


class Unauthenticated(RegistryError):
    """No credentials, or credentials nobody issued (HTTP 401)."""


class RuleViolation(RegistryError):
    """A regulatory rule refuses the command (HTTP 422); ``rule`` is a stable rule id."""

    def __init__(self, rule: str, detail: str) -> None:
        super().__init__(detail)
        self.rule = rule


class InvalidInput(RegistryError):
    """A value is malformed regardless of any rule (HTTP 422)."""

    def __init__(self, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.field = field


class NotYetConsistent(RegistryError):
    """The read models have not reached the asked position in time (HTTP 503, retry)."""
