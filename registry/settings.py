"""Typed settings, read from ``REGISTRY_*`` environment variables when built, never at import."""

from __future__ import annotations

from typing import Literal
from urllib.parse import unquote, urlsplit

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the registry keeps its data and how it serves it."""

    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    database_url: str = "sqlite:///registry.db"
    # PostgreSQL schema holding every table (one per test, or one per deployment).
    database_schema: str = "public"
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # ``json``: one JSON object per log line, with the request id and the key id.
    log_format: Literal["text", "json"] = "text"
    # How long a read with ?consistent_after= waits for the projections, in seconds.
    consistency_timeout: float = 2.0
    # The Ed25519 private key that signs checkpoints and case files (PEM, created mode 0600 on
    # first use). Unset: beside a SQLite file (``registry.db.signing-key.pem``), else
    # ``registry-signing-key.pem`` in the working directory.
    signing_key_file: str | None = None
    # A signed checkpoint at least every this many events, and this often while events arrive.
    checkpoint_every_events: int = 10_000
    checkpoint_every_seconds: float = 600.0
    # Noto Sans CJK SC, embedded in case files (Debian's fonts-noto-cjk puts it here).
    case_file_font: str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    # After how many seconds a retry may take over an Idempotency-Key whose request never
    # answered (it crashed or was killed); the first request's events are then refused.
    idempotency_takeover_seconds: float = 30.0
    # Request limits: a body above max_body_bytes answers 413 (read only after the key was
    # checked); a longer query string 414; more header bytes 431.
    max_body_bytes: int = 1_048_576
    max_query_bytes: int = 4096
    max_header_bytes: int = 16_384
    # How many requests may wait on ?consistent_after= at once; more answer 503 at once.
    max_consistency_waiters: int = 32
    # Failed keys from one address: after this many within a minute, 429 until it passes.
    auth_failures_per_minute: int = 20
    # Requests a minute one address may make to the public endpoints (0: no limit).
    public_requests_per_minute: int = 0
    # TLS ends in a proxy in front of the registry: answers carry Strict-Transport-Security.
    behind_tls: bool = False
    # How long a key that checked out is trusted without a look-up: a revocation by another
    # process takes effect within this many seconds.
    key_check_seconds: float = 0.5

    @property
    def backend(self) -> Literal["sqlite", "postgresql"]:
        scheme = urlsplit(self.database_url).scheme.split("+")[0]
        if scheme == "sqlite":
            return "sqlite"
        if scheme in ("postgresql", "postgres"):
            return "postgresql"
        raise ValueError(f"REGISTRY_DATABASE_URL must be sqlite:/// or postgresql://, not {scheme}")

    def sqlite_path(self) -> str:
        """The file of a ``sqlite:///relative`` or ``sqlite:////absolute`` URL."""
        _, sep, path = self.database_url.partition(":///")
        if not sep or not path:
            raise ValueError("REGISTRY_DATABASE_URL names no SQLite file")
        return path

    def signing_key_path(self) -> str:
        if self.signing_key_file:
            return self.signing_key_file
        if self.backend == "sqlite":
            return self.sqlite_path() + ".signing-key.pem"
        return "registry-signing-key.pem"

    def eventsourcing_env(self) -> dict[str, str]:
        """The ``eventsourcing`` library's persistence settings for this database."""
        if self.backend == "sqlite":
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": self.sqlite_path(),
                "SQLITE_LOCK_TIMEOUT": "30",
                # The library's recorder with the hash chain in each insert (adapters/chain.py) and
                # the rows a save asks to commit with its events (adapters/with_events.py).
                "APPLICATION_RECORDER_TOPIC": (
                    "registry.adapters.sqlite_recorder:RegistrySQLiteRecorder"
                ),
            }
        url = urlsplit(self.database_url)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": url.path.lstrip("/"),
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            "POSTGRES_SCHEMA": self.database_schema,
            "POSTGRES_POOL_SIZE": "8",
            "POSTGRES_MAX_OVERFLOW": "8",
            "POSTGRES_LOCK_TIMEOUT": "10",
            # Connections are checked before use, so a database restart heals by itself.
            "POSTGRES_PRE_PING": "y",
            "POSTGRES_CONNECT_TIMEOUT": "5",
            # The library's recorder with batches sent as binary arrays (adapters/pg_recorder.py).
            "APPLICATION_RECORDER_TOPIC": (
                "registry.adapters.pg_recorder:BinaryArraysPostgresRecorder"
            ),
        }

    def sqlalchemy_url(self) -> str:
        """The same database for SQLAlchemy (keys, idempotency records, read models)."""
        if self.backend == "sqlite":
            return f"sqlite:///{self.sqlite_path()}"
        url = urlsplit(self.database_url)
        return url._replace(scheme="postgresql+psycopg").geturl()
