"""A typed Python client of the registry's HTTP API, for regulators' scripts and district systems.

It needs only httpx and pydantic: importing it loads none of the server (no event store, no
database, no web framework)::

    from registry.client import RegistryClient
    from registry.domain.commands.institutions import IssueLicence

    with RegistryClient("http://127.0.0.1:8000", api_key) as client:
        written = client.issue_licence(IssueLicence(institution_id=..., ...))
        for item in client.institutions(status="licensed"):  # reads its own writes
            ...
"""

from __future__ import annotations

from registry.client.asynchronous import AsyncRegistryClient
from registry.client.errors import (
    ApiError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    NotYetConsistent,
    RuleViolation,
    ServerError,
    TooManyRequests,
    Unauthenticated,
)
from registry.client.models import (
    ApiKey,
    Event,
    FactResult,
    FeedBatchResult,
    Institution,
    InstitutionListItem,
    Written,
)
from registry.client.sync import RegistryClient
from registry.client.transport import Unreachable

__all__ = [
    "ApiError",
    "ApiKey",
    "AsyncRegistryClient",
    "Conflict",
    "Event",
    "FactResult",
    "FeedBatchResult",
    "Forbidden",
    "Institution",
    "InstitutionListItem",
    "InvalidInput",
    "NotFound",
    "NotYetConsistent",
    "RegistryClient",
    "RuleViolation",
    "ServerError",
    "TooManyRequests",
    "Unauthenticated",
    "Unreachable",
    "Written",
]
