"""The token endpoint gives tokens once, to the right client, for the right PKCE verifier, and no other way."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from common.timeutil import utcnow
from identity_stub.extensions import db
from identity_stub.models import AccessToken, AuthorizationCode, OAuthClient
from identity_stub.models.oauth import secret_digest
from tests.identity_stub.client import b64url


def tokens_issued(idp_app) -> int:
    with idp_app.app_context():
        return db.session.execute(select(func.count()).select_from(AccessToken)).scalar_one()


@pytest.mark.parametrize(
    ("verifier", "error"),
    [
        (None, "invalid_request"),
        (b64url(b"a different verifier of the required length!!"), "invalid_grant"),
        ("short", "invalid_request"),
    ],
)
def test_missing_or_wrong_pkce_verifier_gets_no_token(rp, seeded_idp, verifier, error):
    response = rp.redeem(rp.code(), code_verifier=verifier)
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert "access_token" not in response.json() and "id_token" not in response.json()
    assert tokens_issued(seeded_idp) == 0


def test_a_code_spent_on_a_wrong_verifier_cannot_be_retried(rp):
    code = rp.code()
    assert rp.redeem(code, code_verifier=b64url(b"x" * 40)).status_code == 400
    assert rp.redeem(code).json()["error"] == "invalid_grant"


def test_replayed_code_is_refused_and_revokes_what_the_first_use_got(rp, seeded_idp):
    code = rp.code()
    first = rp.redeem(code)
    assert first.status_code == 200
    access_token = first.json()["access_token"]
    assert rp.userinfo(access_token).status_code == 200

    replay = rp.redeem(code)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert rp.userinfo(access_token).status_code == 401
    assert tokens_issued(seeded_idp) == 1


def test_redirect_uri_must_match_the_authorization_request(rp, seeded_idp):
    response = rp.redeem(rp.code(), redirect_uri=rp.redirect_uri + "/")
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    assert tokens_issued(seeded_idp) == 0


def test_wrong_client_secret_is_refused(rp, seeded_idp):
    rp_code = rp.code()
    rp.client_secret = "not-the-secret"
    response = rp.redeem(rp_code)
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert tokens_issued(seeded_idp) == 0


def test_another_client_cannot_redeem_the_wallets_code(rp, seeded_idp):
    with seeded_idp.app_context():
        db.session.add(
            OAuthClient(
                client_id="other-app",
                client_secret_hash=secret_digest("other-secret"),
                name="其他应用",
                scope="openid",
                redirect_uris_json=json.dumps([rp.redirect_uri]),
                post_logout_redirect_uris_json="[]",
            )
        )
        db.session.commit()
    code = rp.code()
    rp.client_id, rp.client_secret = "other-app", "other-secret"
    response = rp.redeem(code)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_expired_code_is_refused(rp, seeded_idp):
    code = rp.code()
    with seeded_idp.app_context():
        db.session.execute(update(AuthorizationCode).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert rp.redeem(code).json()["error"] == "invalid_grant"
    assert tokens_issued(seeded_idp) == 0


def test_userinfo_needs_a_valid_bearer_token(rp):
    response = rp.userinfo("made-up-token")
    assert response.status_code == 401
    assert "invalid_token" in response.headers["WWW-Authenticate"]
