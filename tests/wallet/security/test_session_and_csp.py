"""A login starts a fresh session (nothing planted before it survives), and every page the wallet serves
without parameters carries the Content-Security-Policy and needs no inline script or style."""

from __future__ import annotations

import re

import requests

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.wallet.auth.flows import log_in
from tests.wallet.authorization.fixtures import demo_units, unit_client_login, unit_logins  # noqa: F401  (fixtures)

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle=", re.I)


def session_cookie(client, wallet_app) -> str | None:
    cookie = client.get_cookie(wallet_app.config.get("SESSION_COOKIE_NAME", "session"))
    return cookie.value if cookie else None


def plant(client) -> None:
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"


def planted(client) -> bool:
    with client.session_transaction() as session:
        return "planted" in session


def test_resident_login_replaces_the_session(seeded_idp, client, wallet_app):
    plant(client)
    before = session_cookie(client, wallet_app)
    log_in(client, "p1", http=requests.Session())
    assert session_cookie(client, wallet_app) not in (None, before)
    assert not planted(client)


def test_unit_login_replaces_the_session(client, wallet_app, demo_units, unit_logins):
    plant(client)
    before = session_cookie(client, wallet_app)
    unit_client_login(client, unit_logins["insurer"])
    assert session_cookie(client, wallet_app) not in (None, before)
    assert not planted(client)


def parameterless_get_urls(app) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or set()) and not rule.arguments and not rule.rule.startswith(("/fiscal", "/idp"))
    )


def test_every_parameterless_page_has_the_csp_and_no_inline_script_or_style(wallet_app, client):
    urls = parameterless_get_urls(wallet_app)
    assert {"/", "/check", "/unit/login", "/finance/login", "/unit/apply"} <= set(urls)
    problems = {}
    for url in urls:
        response = client.get(url)
        if "Content-Security-Policy" not in response.headers:
            problems[url] = "no CSP header"
        elif response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            if INLINE_SCRIPT.search(html) or STYLE_ATTRIBUTE.search(html):
                problems[url] = "inline script or style"
    assert problems == {}
