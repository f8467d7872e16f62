"""Key rotation: a new key signs, and tokens signed by the previous one stay verifiable until they expire."""

from __future__ import annotations

from datetime import timedelta

import jwt
import requests
from sqlalchemy import select, update

from common.timeutil import utcnow
from identity_stub.extensions import db
from identity_stub.models import SigningKey
from tests.identity_stub.client import Relying


def id_token(rp: Relying) -> str:
    fresh = Relying(rp.base, rp.client_id, rp.client_secret, rp.redirect_uri)
    return fresh.redeem(fresh.code()).json()["id_token"]


def jwks_kids(system) -> list[str]:
    return [k["kid"] for k in requests.get(f"{system.url}/idp/jwks.json", timeout=10).json()["keys"]]


def verify(system, rp: Relying, token: str) -> dict:
    key = jwt.PyJWKClient(f"{system.url}/idp/jwks.json", cache_jwk_set=False).get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=["ES256"], audience=rp.client_id, issuer=f"{system.url}/idp")


def test_rotation_signs_with_a_new_key_and_keeps_the_old_one_published(system, rp, seeded_idp):
    before = id_token(rp)
    result = seeded_idp.test_cli_runner().invoke(args=["idp", "rotate-key"])
    assert result.exit_code == 0 and "now signs with key" in result.output
    after = id_token(rp)

    old_kid, new_kid = jwt.get_unverified_header(before)["kid"], jwt.get_unverified_header(after)["kid"]
    assert old_kid != new_kid
    assert jwks_kids(system) == [new_kid, old_kid]
    assert verify(system, rp, before)["sub"] == verify(system, rp, after)["sub"]


def test_a_key_retired_longer_than_retention_leaves_the_jwks_and_is_forgotten(system, rp, seeded_idp):
    id_token(rp)
    seeded_idp.test_cli_runner().invoke(args=["idp", "rotate-key"])
    with seeded_idp.app_context():
        retention = max(seeded_idp.config["KEY_RETENTION"], seeded_idp.config["ID_TOKEN_LIFETIME"])
        db.session.execute(
            update(SigningKey)
            .where(SigningKey.retired_at.is_not(None))
            .values(retired_at=utcnow() - timedelta(seconds=retention + 1))
        )
        db.session.commit()
    assert len(jwks_kids(system)) == 1
    seeded_idp.test_cli_runner().invoke(args=["idp", "rotate-key"])
    with seeded_idp.app_context():
        assert len(db.session.scalars(select(SigningKey)).all()) == 2
