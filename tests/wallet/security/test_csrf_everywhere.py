"""Every mutating route outside the signed API refuses a form without its CSRF token, found by walking the URL map."""

from __future__ import annotations

from sqlalchemy import func, select

from wallet.extensions import db
from wallet.models import AuditEntry, Claim, Unit

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
SIGNED_API = "api."


def mutating_urls(app) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) & MUTATING
        if not methods or rule.endpoint.startswith(SIGNED_API):
            continue
        values = {arg: 1 if rule._converters[arg].regex.startswith("\\d") else "x" for arg in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]
        found.extend((method, url) for method in sorted(methods))
    return found


def test_the_walk_finds_the_forms_it_must_guard(wallet_app):
    urls = {url for _, url in mutating_urls(wallet_app)}
    assert {
        "/finance/login",
        "/finance/units/1/x",
        "/unit/login",
        "/unit/claims/1/lock",
        "/logout",
        "/authorizations/1/revoke",
        "/import/file",
        "/check",
    } <= urls


def test_no_mutating_route_accepts_a_post_without_a_token(wallet_app, client):
    def counts():
        with wallet_app.app_context():
            return [db.session.scalar(select(func.count()).select_from(m)) for m in (AuditEntry, Claim, Unit)]

    before = counts()
    refused = {}
    for method, url in mutating_urls(wallet_app):
        response = client.open(url, method=method, data={"note": "x", "username": "u", "password": "p"})
        refused[f"{method} {url}"] = response.status_code
    assert {k: v for k, v in refused.items() if v != 400} == {}
    assert counts() == before
