"""Behind load balancers the client's own address counts (rate limits per IP), but only when configured."""

from __future__ import annotations

from flask import request

from app import build_app


def client_seen_by(monkeypatch, hops: str | None, tmp_path):
    if hops is None:
        monkeypatch.delenv("WEB_PROXY_HOPS", raising=False)
    else:
        monkeypatch.setenv("WEB_PROXY_HOPS", hops)
    configs = {
        part: {"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/{part}.db"}
        for part in ("wallet", "idp", "fiscal")
    }
    combined = build_app(configs["wallet"], configs["idp"], configs["fiscal"])
    combined.add_url_rule("/__seen", "seen", lambda: f"{request.remote_addr} {request.scheme}")
    response = combined.test_client().get(
        "/__seen", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    )
    return response.get_data(as_text=True)


def test_forwarded_headers_are_ignored_by_default(monkeypatch, tmp_path):
    assert client_seen_by(monkeypatch, None, tmp_path) == "127.0.0.1 http"


def test_one_trusted_proxy_gives_the_client_address_and_scheme(monkeypatch, tmp_path):
    assert client_seen_by(monkeypatch, "1", tmp_path) == "203.0.113.9 https"
