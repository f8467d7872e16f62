"""接口对接 in the unit workspace: the appKey shown once and rotatable, the unit's public keys (JWK) registered."""

from __future__ import annotations

import json
import re

from clients.reference_client import WalletApiClient, new_unit_keys
from tests.wallet.authorization.fixtures import demo_login, form_token, unit_client_login

VERSION = re.compile(r'name="version" value="(\d+)"')
ISSUED = re.compile(r'data-testid="app-id">([^<]+)<.*?data-testid="app-key">([^<]+)<', re.S)


def signed_in(client):
    unit_client_login(client, demo_login("insurer"))
    return client


def issue(client, confirm: bool = False, version: str | None = None):
    page = client.get("/unit/integration").get_data(as_text=True)
    seen = version
    if seen is None:
        shown = VERSION.search(page)
        assert shown, page
        seen = shown.group(1)
    data = {"csrf_token": form_token(page), "version": seen, **({"confirm": "yes"} if confirm else {})}
    return client.post("/unit/integration/app-key", data=data)


def issued_pair(response) -> tuple[str, str]:
    match = ISSUED.search(response.get_data(as_text=True))
    assert match, "the new appKey is not on the page"
    return match.group(1), match.group(2)


def register(client, jwks: str = "", url: str = ""):
    token = form_token(client.get("/unit/integration").get_data(as_text=True))
    return client.post("/unit/integration/unit-keys", data={"csrf_token": token, "jwks": jwks, "jwks_url": url})


def test_app_key_is_shown_once_and_works(system, client, demo_units):
    signed_in(client)
    assert "还没有接口凭证" in client.get("/unit/integration").get_data(as_text=True)
    response = issue(client)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    app_id, app_key = issued_pair(response)
    later = client.get("/unit/integration").get_data(as_text=True)
    assert app_id in later and app_key not in later

    private_jwks, public_jwks = new_unit_keys()
    assert register(client, public_jwks).status_code == 303
    page = client.get("/unit/integration").get_data(as_text=True)
    for key in json.loads(public_jwks)["keys"]:
        assert f'data-testid="unit-kid">{key["kid"]}<' in page
    reply = WalletApiClient(system.url, app_id, app_key, private_jwks).list_authorizations()
    assert (reply.status, reply.code, reply.data["items"]) == (200, "ok", [])


def test_rotation_needs_confirmation_and_retires_the_old_key(system, client, demo_units):
    signed_in(client)
    app_id, old_key = issued_pair(issue(client))
    private_jwks, public_jwks = new_unit_keys()
    register(client, public_jwks)

    unconfirmed = issue(client)
    assert unconfirmed.status_code == 422 and "请勾选确认" in unconfirmed.get_data(as_text=True)
    assert WalletApiClient(system.url, app_id, old_key, private_jwks).list_authorizations().ok

    same_id, new_key = issued_pair(issue(client, confirm=True))
    assert same_id == app_id and new_key != old_key
    assert WalletApiClient(system.url, app_id, old_key, private_jwks).list_authorizations().code == "signature_invalid"
    assert WalletApiClient(system.url, app_id, new_key, private_jwks).list_authorizations().ok


def test_a_form_sent_twice_does_not_replace_the_key_just_shown(system, client, demo_units):
    signed_in(client)
    app_id, first_key = issued_pair(issue(client))
    private_jwks, public_jwks = new_unit_keys()
    register(client, public_jwks)
    resent = issue(client, confirm=True, version="0")
    assert resent.status_code == 409 and "没有再重置" in resent.get_data(as_text=True)
    assert WalletApiClient(system.url, app_id, first_key, private_jwks).list_authorizations().ok


def test_only_public_keys_are_accepted(client, demo_units):
    signed_in(client)
    issue(client)
    private_jwks, _ = new_unit_keys()
    for jwks, url in (("", ""), ("hello", ""), (private_jwks, ""), ("", "http://insurer.example/jwks.json")):
        response = register(client, jwks, url)
        assert response.status_code == 422
        assert "JWK" in response.get_data(as_text=True)
    assert 'data-testid="unit-kid"' not in client.get("/unit/integration").get_data(as_text=True)


def test_page_shows_the_wallets_published_keys(system, client, demo_units):
    signed_in(client)
    page = client.get("/unit/integration").get_data(as_text=True)
    published = client.get("/api/v1/jwks.json").get_json()["keys"][:-1]  # the last one signs receipts only
    for key in published:
        testid = "wallet-kid" if key["use"] == "enc" else "wallet-sig-kid"
        assert f'data-testid="{testid}">{key["kid"]}<' in page


def test_pages_need_a_unit_login(client):
    assert client.get("/unit/integration").headers["Location"].startswith("/unit/login")
    token = form_token(client.get("/unit/login").get_data(as_text=True))
    refused = client.post("/unit/integration/app-key", data={"csrf_token": token})
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/unit/login")
