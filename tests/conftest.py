"""Fixtures for the whole suite. Run it once per database: ``pytest --db sqlite`` / ``--db postgresql``.

The contract, kept small so every test file can rely on it:

- A test that asks for none of the fixtures below starts no server and opens no database;
  ``make test-fast`` runs these, less the ones marked ``slow`` (own processes, own servers,
  own migrated databases, camera-sized photos).
- ``system``, ``wallet_app``, ``idp_app``, ``fiscal_app`` and ``client`` give the three parts
  running on one live server (started once per session), with their databases as empty as
  at the start; after the test the tables it wrote to (through any part's engine, from any
  thread) are emptied again, and only those. Such a test carries the ``system`` mark.
- ``live_server`` alone gives the running parts without that clean-up: for tests that
  write nothing.
- Asking for ``page`` (or another Playwright fixture) drives Chromium: the ``browser`` mark.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Page

from tests.support.environment import CHROMIUM, components, in_ci, missing_report, postgres_admin_url
from tests.support.live_server import LiveServer, free_port, part_configs, running_system
from tests.support.visual import watch
from wallet.extensions import limiter

# The suite names its environment explicitly, as every deployment must (an unset APP_ENV is
# production); live servers, apps built from the environment and subprocesses inherit it.
os.environ["APP_ENV"] = "test"

PARTS = ("wallet", "idp", "fiscal")
PHONE = {"width": 360, "height": 780}
# A test asking for any of these drives Chromium, and carries the ``browser`` mark.
BROWSER_FIXTURES = {"page", "context", "browser", "browser_type", "launch_browser", "new_context"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db", choices=["sqlite", "postgresql"], default="sqlite", help="database backend every part runs on"
    )


def pytest_configure(config: pytest.Config) -> None:
    if not in_ci():
        return
    report = missing_report(components(config.getoption("--db")))
    if report:
        pytest.exit(f"CI=true and a required component is missing:\n{report}", returncode=3)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_ok = os.access(CHROMIUM, os.X_OK)
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if "live_server" in fixtures:
            item.add_marker(pytest.mark.system)
        if BROWSER_FIXTURES & fixtures:
            item.add_marker(pytest.mark.browser)
            if not browser_ok and not in_ci():
                item.add_marker(pytest.mark.skip(reason="chromium is not installed (make test installs it)"))


@pytest.fixture(scope="session")
def db_backend(pytestconfig: pytest.Config) -> str:
    return pytestconfig.getoption("--db")


@pytest.fixture(scope="session")
def database_urls(db_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    if db_backend == "sqlite":
        folder = tmp_path_factory.mktemp("db")
        yield {part: f"sqlite:///{folder / part}.db" for part in PARTS}
        return
    admin = postgres_admin_url()
    names = {part: f"bw_test_{os.getpid()}_{part}" for part in PARTS}
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    yield {part: f"{base}/{name}" for part, name in names.items()}
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def live_server(database_urls: dict[str, str]) -> Iterator[LiveServer]:
    port = free_port()
    with running_system(part_configs(f"http://127.0.0.1:{port}", database_urls), port) as server:
        yield server


@pytest.fixture
def system(live_server: LiveServer) -> Iterator[LiveServer]:
    """The running system with empty databases and untouched request rate limits (the suite logs
    in far more often than a person); what the test wrote is emptied again after it."""
    limiter.reset()
    yield live_server
    limiter.reset()
    for name, part in live_server.parts.items():
        with part.app_context():
            part.extensions["sqlalchemy"].session.remove()
            live_server.writes[name].clean()


@pytest.fixture
def wallet_app(system: LiveServer) -> Flask:
    return system.parts["wallet"]


@pytest.fixture
def idp_app(system: LiveServer) -> Flask:
    return system.parts["idp"]


@pytest.fixture
def fiscal_app(system: LiveServer) -> Flask:
    return system.parts["fiscal"]


@pytest.fixture
def client(wallet_app: Flask) -> FlaskClient:
    return wallet_app.test_client()


CSRF_IN_PAGE = re.compile(r'"X-CSRFToken": "([^"]+)"')


def csrf_token_of(html: str) -> str:
    """The CSRF token a rendered page carries (in ``hx-headers`` on ``<body>``)."""
    match = CSRF_IN_PAGE.search(html)
    assert match, "page carries no CSRF token"
    return match.group(1)


# --- Playwright: Debian's Chromium at phone size -------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    return live_server.url


@pytest.fixture(scope="session")
def _verify_url() -> None:
    """Stands in for pytest-base-url's session-wide autouse check, which asks for ``base_url``
    and so would start the live server and its databases for every test, even a pure one."""


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], base_url: str) -> dict[str, Any]:
    return {
        **browser_context_args,
        "base_url": base_url,
        "viewport": PHONE,
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
    }


@pytest.fixture
def page(page: Page) -> Page:
    """Playwright's page, with its console errors collected for the visual check."""
    return watch(page)


@pytest.fixture
def screenshot_dir() -> Path:
    path = Path(__file__).resolve().parent.parent / "test-screens"
    path.mkdir(parents=True, exist_ok=True)
    return path
