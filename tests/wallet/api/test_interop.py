"""Any JOSE library integrates: jwcrypto, an implementation independent of the wallet's joserfc,
signs and encrypts a unit's request that the live wallet accepts over HTTP, verifies and
decrypts the wallet's reply, and reads the wallet's keys from its JWKS — nothing in it
comes from the wallet or the reference client but header names and docs/api.md."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid

import requests
from jwcrypto import jwe, jwk, jws
from jwcrypto.common import base64url_decode, base64url_encode, json_encode

from tests.wallet.api.state import claim_state
from wallet.extensions import db
from wallet.models import UnitUser
from wallet.services.api_credentials import register_unit_keys


def unit_key(use: str) -> jwk.JWK:
    key = jwk.JWK.generate(kty="EC", crv="P-256")
    return jwk.JWK(**json.loads(key.export_private()), use=use, kid=key.thumbprint())


def register(wallet_app, user_id: int, *keys: jwk.JWK) -> None:
    public = jwk.JWKSet()
    for key in keys:
        public.add(key)
    with wallet_app.app_context():
        register_unit_keys(db.session.get_one(UnitUser, user_id), public.export(private_keys=False))
        db.session.remove()


class JwcryptoUnit:
    """A unit's business system written against jwcrypto and docs/api.md alone."""

    def __init__(self, url: str, app_id: str, app_key: str, sign: jwk.JWK, receive: jwk.JWK) -> None:
        self.url, self.app_id, self.app_key, self.sign, self.receive = url, app_id, app_key, sign, receive
        self.wallet = jwk.JWKSet.from_json(requests.get(f"{url}/api/v1/jwks.json", timeout=10).text)

    def wallet_key(self, use: str) -> jwk.JWK:
        return next(key for key in self.wallet["keys"] if key.get("use") == use)

    def call(self, method: str, target: str, payload: dict | None = None, **headers: str) -> requests.Response:
        body = b""
        if payload is not None:
            recipient = self.wallet_key("enc")
            header = {"alg": "ECDH-ES+A256KW", "enc": "A256GCM", "kid": recipient.get("kid")}
            # types-jwcrypto narrows json_encode to str | bytes; it dumps any JSON value, as here.
            token = jwe.JWE(json.dumps(payload).encode(), json_encode(header))  # type: ignore[arg-type]  # see above
            token.add_recipient(recipient)
            body = token.serialize(compact=True).encode()
            headers["Content-Type"] = "application/jose"
        signed = jws.JWS(body)
        signed.add_signature(
            self.sign,
            None,
            json_encode(
                {  # type: ignore[arg-type]  # as above
                    "alg": "ES256",
                    "kid": self.sign.get("kid"),
                    "appid": self.app_id,
                    "htm": method,
                    "htu": target,
                    "iat": int(time.time()),
                    "nonce": secrets.token_urlsafe(24),
                }
            ),
        )
        protected, _, signature = signed.serialize(compact=True).split(".")
        detached = f"{protected}..{signature}"
        headers.update(
            {
                "X-App-Id": self.app_id,
                "X-JWS-Signature": detached,
                "X-App-Signature": hmac.new(self.app_key.encode(), detached.encode(), hashlib.sha256).hexdigest(),
            }
        )
        self.sent_nonce = json.loads(base64url_decode(protected))["nonce"]
        return requests.request(method, f"{self.url}{target}", data=body or None, headers=headers, timeout=30)

    def opened(self, response: requests.Response) -> dict:
        """The reply's data, after checking the wallet signed this very reply for this very request."""
        protected, _, signature = response.headers["X-JWS-Signature"].split(".")
        checked = jws.JWS()
        checked.deserialize(f"{protected}.{base64url_encode(response.content)}.{signature}")
        checked.verify(self.wallet.get_key(checked.jose_header["kid"]))  # by kid: the receipt key is a sig key too
        assert checked.jose_header["nonce"] == self.sent_nonce
        token = jwe.JWE()
        token.deserialize(response.json()["data"], key=self.receive)
        return json.loads(token.payload)


def test_a_jwcrypto_unit_locks_and_reports_through_the_live_wallet(system, api_world, wallet_app):
    sign, receive = unit_key("sig"), unit_key("enc")
    register(wallet_app, api_world.insurer.user_id, sign, receive)
    unit = JwcryptoUnit(system.url, api_world.insurer.app_id, api_world.insurer.app_key, sign, receive)
    auth_id = api_world.claims[0]

    listed = unit.call("GET", "/api/v1/authorizations?status=all")
    assert listed.status_code == 200, listed.json()
    assert [item["id"] for item in unit.opened(listed)["items"]] == api_world.claims

    locked = unit.call("POST", f"/api/v1/authorizations/{auth_id}/lock", **{"Idempotency-Key": uuid.uuid4().hex})
    assert (locked.status_code, unit.opened(locked)["state"]) == (200, "locked")
    paid = unit.call(
        "POST",
        f"/api/v1/authorizations/{auth_id}/feedback",
        {"amount": 100, "serial": "YW-JWCRYPTO-1", "voucher": "PZ-JWCRYPTO-1", "time": "2026-03-06T09:30:00+08:00"},
        **{"Idempotency-Key": uuid.uuid4().hex},
    )
    assert paid.status_code == 200, paid.json()
    assert unit.opened(paid)["reimbursement"]["serial"] == "YW-JWCRYPTO-1"
    assert claim_state(wallet_app, auth_id).state == "reimbursed"


def test_jwcrypto_reads_the_wallets_jwks_and_its_signatures(system, api, api_world):
    published = jwk.JWKSet.from_json(requests.get(f"{system.url}/api/v1/jwks.json", timeout=10).text)
    keys = {key.get("kid"): key for key in published["keys"]}
    assert {key.get("use") for key in keys.values()} == {"sig", "enc"}
    assert all(not key.has_private and key.get("crv") == "P-256" for key in keys.values())
    assert {k.kid for k in api.wallet_keys().keys} == set(keys)

    reply = api.list_authorizations()  # signed by the wallet, checked here by jwcrypto alone
    protected, _, signature = reply.response.headers["X-JWS-Signature"].split(".")
    checked = jws.JWS()
    checked.deserialize(f"{protected}.{base64url_encode(reply.response.content)}.{signature}")
    checked.verify(keys[checked.jose_header["kid"]], alg="ES256")
    assert checked.jose_header["alg"] == "ES256"


def test_a_jwcrypto_request_in_another_unit_s_name_is_refused(system, api_world, wallet_app):
    sign, receive = unit_key("sig"), unit_key("enc")
    register(wallet_app, api_world.agency.user_id, sign, receive)
    impostor = JwcryptoUnit(system.url, api_world.insurer.app_id, api_world.insurer.app_key, sign, receive)
    refused = impostor.call("GET", "/api/v1/authorizations")
    assert (refused.status_code, refused.json()["code"]) == (401, "signing_key_unknown")
