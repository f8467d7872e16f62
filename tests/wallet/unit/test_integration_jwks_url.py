"""接口对接: a JWKS URL that leads inside the wallet's network is refused in Chinese with a 4xx, and nothing is
stored."""

from __future__ import annotations

import html

import pytest

from clients.reference_client import new_unit_keys
from tests.wallet.api.jwks_server import jwks_server  # noqa: F401  (fixture)
from tests.wallet.unit.test_integration_page import issue, register, signed_in
from wallet.services import outbound_urls


@pytest.fixture
def console(client, demo_units, monkeypatch):
    monkeypatch.setattr(
        outbound_urls,
        "resolve",
        lambda host, _port: {"metadata.unit.example": ["169.254.169.254"], "keys.unit.example": ["10.20.30.40"]}[host],
    )
    signed_in(client)
    issue(client)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "https://metadata.unit.example/latest/meta-data/",
        "https://keys.unit.example/jwks.json",
        "https://[::ffff:127.0.0.1]/jwks.json",
        "https://2130706433/jwks.json",
    ],
)
def test_an_inside_address_is_refused_in_chinese(console, url):
    response = register(console, url=url)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "JWKS 地址指向内网、本机或保留地址，平台不会访问，请填写公网可访问的地址" in page
    assert 'data-testid="unit-kid"' not in console.get("/unit/integration").get_data(as_text=True)


def test_the_local_jwks_server_is_refused_by_default_and_its_fetch_never_made(console, jwks_server):
    _, public = new_unit_keys()
    jwks_server.body = public.encode()
    response = register(console, url=jwks_server.url())
    assert response.status_code == 422 and "内网、本机或保留地址" in response.get_data(as_text=True)
    assert jwks_server.fetches == []
