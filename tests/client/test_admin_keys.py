"""Administrators issue, list and revoke keys over the API; keys expire and show their last use."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from registry.adapters.store import create_tables
from registry.client import Forbidden, InvalidInput, RegistryClient, Unauthenticated
from tests.client.conftest import Server


def test_an_administrator_issues_lists_and_revokes_a_key(server: Server) -> None:
    admin = RegistryClient(server.url, server.key("admin", [], "教育部"))
    issued = admin.create_key("regulator", ["110108"], "海淀区教委 监管科", expires_in_days=90)
    assert issued.secret and issued.secret.startswith(f"rk_{issued.id}_")
    assert issued.expires_at is not None
    assert timedelta(days=89) < issued.expires_at - datetime.now(UTC) <= timedelta(days=90)

    bureau = RegistryClient(server.url, issued.secret)
    assert bureau.health().status == "ok"
    list(bureau.institutions())
    listed = {k.id: k for k in admin.keys()}
    assert listed[issued.id].secret is None
    assert listed[issued.id].last_used_at is not None

    revoked = admin.revoke_key(issued.id)
    assert revoked.revoked_at is not None
    time.sleep(server.services.keys.cache_seconds + 0.1)
    with pytest.raises(Unauthenticated):
        list(bureau.institutions())
    with pytest.raises(InvalidInput):
        admin.create_key("inspector", [])


def test_only_an_administrator_handles_keys(server: Server) -> None:
    bureau = RegistryClient(server.url, server.key("regulator", ["110108"], "海淀"))
    with pytest.raises(Forbidden):
        bureau.keys()
    with pytest.raises(Forbidden):
        bureau.create_key("admin")


def test_an_expired_key_is_refused(server: Server) -> None:
    soon = datetime.now(UTC) + timedelta(seconds=3)
    _, secret = server.services.keys.create("regulator", ["110108"], "临时", expires_at=soon)
    bureau = RegistryClient(server.url, secret)
    list(bureau.institutions())
    time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.2)
    with pytest.raises(Unauthenticated, match="expired"):
        list(bureau.institutions())


def test_a_key_table_made_before_expiry_existed_gains_the_columns(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE registry_api_keys (id VARCHAR(32) PRIMARY KEY, name TEXT NOT NULL, "
            "role VARCHAR(16) NOT NULL, districts JSON NOT NULL, key_hash VARCHAR(64) NOT NULL "
            "UNIQUE, created_at DATETIME NOT NULL, revoked_at DATETIME)"
        )
    create_tables(engine)
    columns = {c["name"] for c in inspect(engine).get_columns("registry_api_keys")}
    assert {"expires_at", "last_used_at"} <= columns
