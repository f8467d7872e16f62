"""Moves of unit account tests: read an activation link from the outbox and activate through it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask.testing import FlaskClient

from tests.wallet.authorization.fixtures import UnitLogin, form_token, fresh_code
from wallet.services.unit_accounts import activation_for

NEW_PASSWORD = "Qingcheng#2026x"
SECRET = re.compile(r'data-testid="totp-secret">([A-Z2-7]+)<')


def activation_link(wallet_app, unit_id: int) -> str:
    """The path of the newest activation link in a unit's outbox."""
    with wallet_app.app_context():
        sent = activation_for(unit_id)
    assert sent is not None, "no activation message in the outbox"
    assert "password" not in sent
    return urlsplit(sent["activation_url"]).path


def activate(client: FlaskClient, path: str, password: str = NEW_PASSWORD) -> UnitLogin:
    """Open the link, enrol the TOTP key it shows and set ``password``; the login that now works."""
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    secret = SECRET.search(html)
    assert secret, "the activation page shows no TOTP key"
    username = re.search(r'data-testid="activate-username">([^<]+)<', html)
    assert username
    who = UnitLogin(username.group(1), password, secret.group(1), set())
    done = client.post(
        path,
        data={
            "csrf_token": form_token(html),
            "new_password": password,
            "new_password_again": password,
            "code": fresh_code(who.secret, set()),
        },
    )
    assert done.status_code == 303 and done.headers["Location"] == "/unit/login", done.get_data(as_text=True)
    return who
