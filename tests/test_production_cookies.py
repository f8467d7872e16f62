"""Each part's session cookie, as a browser receives it over HTTP: SameSite as documented, Secure outside development.

A second system runs here with a production configuration (real secrets, APP_ENV
production) next to the suite's own test system, so the two can be compared.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from fiscal_stub.config import SETTINGS as FISCAL
from identity_stub.config import SETTINGS as IDP
from tests.support.live_server import LiveServer, free_port, part_configs, production_values, running_system
from wallet.config import SETTINGS as WALLET

pytestmark = pytest.mark.slow

DOC = Path(__file__).resolve().parent.parent / "docs" / "deploy.md"
# part → (a page that starts a session, its cookie, the SameSite docs/deploy.md promises)
SESSIONS = {
    "wallet": ("/unit/login", "session", "Lax"),
    "idp": ("/idp/", "idp_session", "Lax"),
    "fiscal": ("/fiscal/console/login", "fiscal_session", "Strict"),
}


@pytest.fixture(scope="module")
def production_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("production")
    port = free_port()
    configs = part_configs(f"http://127.0.0.1:{port}", {p: f"sqlite:///{folder}/{p}.db" for p in SESSIONS})
    for part, settings in (("wallet", WALLET), ("idp", IDP), ("fiscal", FISCAL)):
        configs[part].update(production_values(settings), APP_ENV="production")
    with running_system(configs, port) as server:
        yield server


def session_cookie(base_url: str, part: str) -> dict[str, str]:
    """The attributes of the part's session cookie in the raw Set-Cookie header (name → value, flags → "")."""
    path, name, _ = SESSIONS[part]
    response = requests.get(base_url + path, timeout=10, allow_redirects=False)
    assert response.status_code == 200, response.status_code
    headers = [h for h in response.raw.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    assert len(headers) == 1, f"{part} set no {name} cookie: {response.raw.headers.getlist('Set-Cookie')}"
    attributes = {}
    for item in headers[0].split(";")[1:]:
        key, _, value = item.strip().partition("=")
        attributes[key.lower()] = value
    return attributes


@pytest.mark.parametrize("part", SESSIONS)
def test_production_session_cookie_is_secure_and_same_site(production_server, part):
    cookie = session_cookie(production_server.url, part)
    assert "secure" in cookie
    assert "httponly" in cookie
    assert cookie["samesite"] == SESSIONS[part][2]


@pytest.mark.parametrize("part", SESSIONS)
def test_test_session_cookie_has_the_same_same_site_without_secure(system, part):
    cookie = session_cookie(system.url, part)
    assert "secure" not in cookie
    assert cookie["samesite"] == SESSIONS[part][2]


def test_production_pages_carry_strict_transport_security(production_server):
    response = requests.get(production_server.url + "/unit/login", timeout=10)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("part", SESSIONS)
def test_deploy_doc_states_each_parts_same_site(part):
    _, name, same_site = SESSIONS[part]
    rows = [line for line in DOC.read_text(encoding="utf-8").splitlines() if f"| `{name}` |" in line]
    assert rows and f"| `{same_site}` |" in rows[0]
