"""A parent at a real browser: the real server with the demo data, driven by headless Chromium.

``registry demo`` loads the demo institutions into a fresh database, ``registry serve`` runs on a
free port of 127.0.0.1, and Debian's Chromium (never a downloaded browser) searches the register,
opens an institution's page and checks what a parent must see. Screenshots go to the test's
temporary directory. One server per backend serves every test of this module: SQLite always,
PostgreSQL when ``REGISTRY_TEST_DATABASE_URL`` is set (CI sets it).

Chromium comes from Debian's ``chromium`` package (``.ci/run`` installs it when missing) and is
driven by Playwright through ``executable_path``. Without it the tests skip with the reason, except
under CI, where they fail: CI must run them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The console script, run by this interpreter whether or not its bin directory is on PATH.
REGISTRY = [sys.executable, "-c", "from cli.main import app; app(prog_name='registry')"]
SEED = "2021"
STARTUP_SECONDS = 60


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser tests (.ci/run installs chromium)")
    pytest.skip(f"{reason}: install Debian's chromium (bash .ci/run does)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


# -- the real server ---------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    env: dict[str, str]

    def get(self, path: str, **params: Any) -> Any:
        answer = httpx.get(self.url + path, params=params, timeout=10)
        answer.raise_for_status()
        return answer.json()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(database_url: str, schema: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    env.update(
        REGISTRY_DATABASE_URL=database_url,
        REGISTRY_DATABASE_SCHEMA=schema,
        REGISTRY_LOG_LEVEL="WARNING",
    )
    return env


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until /health answers and the public register has applied the whole log."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            health = httpx.get(f"{url}/health", timeout=2).json()
        except (httpx.HTTPError, ValueError):
            health = None
        if health and health["head"] > 0 and health["lag"].get("public_register") == 0:
            return
        time.sleep(0.25)
    pytest.fail(f"the server did not catch up within {STARTUP_SECONDS} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _drop_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """``registry demo`` then ``registry serve`` on a free port, stopped after the module."""
    workdir = tmp_path_factory.mktemp(f"server-{request.param}")
    if request.param == "sqlite":
        url, schema = f"sqlite:///{workdir / 'registry.db'}", "public"
    else:
        url = os.environ.get("REGISTRY_TEST_DATABASE_URL", "")
        if not url:
            pytest.skip("no PostgreSQL: set REGISTRY_TEST_DATABASE_URL")
        schema = f"e2e_{uuid.uuid4().hex[:12]}"
    env = _environment(url, schema)
    demo = subprocess.run(
        [*REGISTRY, "demo", "--seed", SEED],
        env=env,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    port = _free_port()
    log = workdir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*REGISTRY, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_serving(base, process, log)
        yield Server(base, env)
    finally:
        _stop(process)
        if request.param == "postgresql":
            _drop_schema(url, schema)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def _first(server: Server, **params: Any) -> dict[str, Any]:
    items = server.get("/v1/public/institutions", limit=1, **params)["items"]
    assert items, f"the demo has no institution with {params}"
    item: dict[str, Any] = items[0]
    return item


def _search_and_open(page: Page, server: Server, name: str) -> None:
    """Type part of the name, search with the keyboard, open the institution's result."""
    page.goto(server.url + "/")
    page.get_by_label("机构名称").fill(name[2:-2])
    page.get_by_label("机构名称").press("Enter")
    page.wait_for_url("**/?q=*")
    result = page.locator("li.card", has=page.get_by_role("link", name=name, exact=True))
    assert result.count() == 1
    result.get_by_role("link", name=name, exact=True).click()
    page.wait_for_url("**/institutions/*")


# -- the tests ---------------------------------------------------------------------------------


def test_a_parent_finds_a_legitimate_institution_and_reads_its_licence_and_history(
    page: Page, server: Server, tmp_path: Path
) -> None:
    school = _first(server)  # by default the register lists legitimate institutions only

    _search_and_open(page, server, school["name"])
    page.screenshot(path=str(tmp_path / "legitimate.png"), full_page=True)

    assert page.url == f"{server.url}/institutions/{school['id']}"
    assert page.get_by_role("heading", level=1).inner_text() == school["name"]
    assert "合法机构" in page.locator("p.standing .badge").first.inner_text()
    assert page.locator("section.warning").count() == 0
    details = page.locator("dl.facts").inner_text()
    assert school["licence_no"] in details and school["supervision_bank"] in details
    history = page.locator("table.history tbody tr")
    assert history.count() >= 2
    assert "已登记" in history.first.inner_text()
    assert "持有办学许可" in history.last.inner_text()
    assert (tmp_path / "legitimate.png").stat().st_size > 10_000


def test_a_suspended_institution_warns_the_parent_not_to_pay(
    page: Page, server: Server, tmp_path: Path
) -> None:
    school = _first(server, status="suspended")

    _search_and_open(page, server, school["name"])
    page.screenshot(path=str(tmp_path / "suspended.png"), full_page=True)

    warning = page.get_by_role("region", name="警告")
    assert warning.is_visible()
    assert "已暂停招生" in warning.inner_text() and "do not enrol or pay" in warning.inner_text()
    assert "非合法" in page.locator("p.standing .badge").first.inner_text()
    assert "已暂停招生" in page.locator("table.history tbody tr").last.inner_text()


def test_the_search_filters_by_district_and_shows_every_result_s_standing(
    page: Page, server: Server, tmp_path: Path
) -> None:
    page.goto(server.url + "/")
    page.get_by_label("所在区").select_option("110108")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/?q=*")
    page.screenshot(path=str(tmp_path / "results.png"), full_page=True)

    cards = page.locator("li.card")
    assert cards.count() > 1
    for text in cards.all_inner_texts():
        assert "北京市海淀区" in text
        assert ("合法机构" in text) != ("非合法" in text)


def test_the_first_key_press_reaches_the_skip_link_to_the_content(
    page: Page, server: Server
) -> None:
    page.goto(server.url + "/")

    page.keyboard.press("Tab")

    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"


STATUSES = ("registered", "licensed", "suspended", "converting", "converted", "revoked")
STATUSES += ("ceased", "deregistered")


def test_the_real_server_streams_the_whole_register_as_csv_with_its_position(
    server: Server,
) -> None:
    health = server.get("/health")
    ids = {
        item["id"]
        for status in STATUSES
        for item in server.get("/v1/public/institutions", status=status, limit=500)["items"]
    }

    with httpx.stream("GET", server.url + "/v1/public/institutions.csv", timeout=10) as answer:
        body = b"".join(answer.iter_bytes())

    assert answer.status_code == 200
    assert body.startswith(b"\xef\xbb\xbf")
    assert int(answer.headers["x-registry-position"]) == health["projections"]["public_register"]
    header, *rows = body.decode("utf-8-sig").splitlines()
    assert header.startswith("id,name,credit_code,")
    assert {row.split(",", 1)[0] for row in rows} == ids
