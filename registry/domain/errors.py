"""One error hierarchy for the whole registry; the API maps it to HTTP in one place."""

from __future__ import annotations


class RegistryError(Exception):
    """Base of every error the registry raises on purpose; ``retry_after`` (seconds) when a
    retry may succeed later (HTTP ``Retry-After``)."""

    retry_after: int | None = None

    def __init__(self, detail: str, *, retry_after: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if retry_after is not None:
            self.retry_after = retry_after


class NotFound(RegistryError):
    """The institution, contract, case or key does not exist (HTTP 404)."""


class Conflict(RegistryError):
    """The command clashes with the current state: duplicate, stale version (HTTP 409)."""


class WriteRace(Conflict):
    """Another request saved the same record between this one's read and its save (HTTP 409
    when it is not judged again)."""


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


class InProgress(RegistryError):
    """Another request holds the Idempotency-Key, or took it over from this one (HTTP 409)."""


class Unavailable(RegistryError):
    """The database does not answer for now (HTTP 503, retry)."""

    retry_after = 2


class Throttled(RegistryError):
    """Too many requests, or too many failed keys, from one address (HTTP 429)."""
