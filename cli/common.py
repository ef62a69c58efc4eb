"""What every command shares: the operator, the settings, the open services, parsing, output."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from urllib.parse import urlsplit
from uuid import UUID

import typer
from eventsourcing.persistence import OperationalError as EventStoreUnavailable
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError as DatabaseUnavailable

from registry.bootstrap import Services, build_services
from registry.domain.clock import SHANGHAI
from registry.domain.institution import Institution
from registry.domain.principal import Principal
from registry.domain.uscc import CreditCode
from registry.settings import Settings

# Whoever runs the command line acts as this principal, so the events it writes say so.
OPERATOR = Principal(id="cli-operator", role="admin", name="command line operator")


class CliError(Exception):
    """A failure of the command line itself (settings, database), told in one line."""


# -- settings and services -------------------------------------------------------------------


def load_settings() -> Settings:
    """``Settings()`` from the ``REGISTRY_*`` environment, checked before anything is opened."""
    try:
        settings = Settings()
        settings.eventsourcing_env()  # refuses a database URL it cannot use
    except ValidationError as e:
        problems = "; ".join(
            f"REGISTRY_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in e.errors()
        )
        raise CliError(f"invalid settings: {problems}") from None
    except ValueError as e:
        raise CliError(f"invalid settings: {e}") from None
    return settings


def redacted(url: str) -> str:
    """The database URL without its password, fit for a message."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


@contextmanager
def open_services(
    settings: Settings | None = None, only: Sequence[str] | None = None
) -> Iterator[Services]:
    """The registry's services on the configured database, closed when the command ends;
    ``only``: the read models its projector keeps (all by default)."""
    settings = settings or load_settings()
    try:
        services = build_services(settings, only=only)
    except (DatabaseUnavailable, EventStoreUnavailable) as e:
        reason = str(getattr(e, "orig", None) or e).strip().splitlines()[0]
        raise CliError(f"cannot open {redacted(settings.database_url)}: {reason}") from None
    try:
        yield services
    finally:
        services.close()


# -- parsing ---------------------------------------------------------------------------------


def parse_date(value: str) -> date:
    """A ``YYYY-MM-DD`` date, or a usage error saying so."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


def parse_time(value: str) -> datetime:
    """An RFC 3339 time with its offset (``2026-11-30T10:00:00+08:00``), or a usage error."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise typer.BadParameter(
            f"{value!r} is not a time with its offset; use e.g. 2026-11-30T10:00:00+08:00"
        )
    return moment


def parse_institution_id(value: str) -> UUID:
    """An institution's id, given as its UUID or as its 18-character credit code."""
    try:
        return UUID(value)
    except ValueError:
        pass
    if len(value.strip()) != 18:
        raise typer.BadParameter(f"{value!r} is neither an institution id (UUID) nor a credit code")
    try:
        code = CreditCode.parse(value)
    except ValueError as e:
        raise typer.BadParameter(f"{value!r} is not a valid credit code: {e}") from None
    return Institution.create_id(code.value)


# -- output ----------------------------------------------------------------------------------


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(columns - width(text), 0)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table whose columns line up with Chinese text in them."""
    widths = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = [headers, *rows]
    return "\n".join(
        "  ".join(pad(cell, w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def local_time(moment: datetime | None) -> str:
    """A stored time shown in Asia/Shanghai; naive times (SQLite) are UTC."""
    if moment is None:
        return "-"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI).isoformat(sep=" ", timespec="seconds")
