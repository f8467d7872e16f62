"""Log in to the wallet the way a person does: wallet (test client) → stub (HTTP) → wallet callback.

The wallet runs in the test's thread through its test client and reaches the stub over real
HTTP on the live server; the stub's pages are answered by ``tests.identity_stub.pages``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import csrf_token_of
from tests.identity_stub.pages import redirect_target, through_stub


def local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def back_from_stub(
    client: FlaskClient, start: str, http: requests.Session | None = None, **answers: Any
) -> TestResponse:
    """Start at wallet path ``start``, get through the stub, and return the wallet's callback response."""
    begun = client.get(start)
    assert begun.status_code == 302, begun.get_data(as_text=True)
    returned = through_stub(http or requests.Session(), begun.headers["Location"], **answers)
    return client.get(local(redirect_target(returned)))


def accept_terms(client: FlaskClient) -> TestResponse:
    page = client.get("/activate").get_data(as_text=True)
    return client.post("/activate", data={"csrf_token": csrf_token_of(page), "accept": "yes"})


def log_in(client: FlaskClient, persona: str = "p1", http: requests.Session | None = None) -> None:
    """A complete login of a demo persona, activating the account when it is the first."""
    response = back_from_stub(client, "/login", http=http, persona=persona)
    if response.headers.get("Location", "").endswith("/activate"):
        response = accept_terms(client)
    assert response.status_code == 302 and not response.headers["Location"].endswith("/activate")


def signed_in_user_id(client: FlaskClient) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")
