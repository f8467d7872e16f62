"""docs/api.md's worked example is true: every value in it checks out against the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

from joserfc.jwk import ECKey

from clients import reference_client as ref
from wallet.api_crypto import jose
from wallet.services import wallet_api_keys

DOC = Path(__file__).resolve().parents[3] / "docs" / "api.md"
APP_ID, APP_KEY = "bw5f2c9a1e07d4b6c3", "q8ZJ0m4vQe1yH9sT3kLw7PnXc2RbUa6dFg5hJi8oKtM"
NONCE, TARGET = "3fT9kQ2mXv8LwZ1pR7sN4bY6", "/api/v1/authorizations/128/feedback"


def examples() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    return {
        name: body.strip() for name, body in re.findall(r"<!-- example:([a-z-]+) -->\n```[a-z]*\n(.*?)```", text, re.S)
    }


def keys_by_kid(jwks: str) -> dict[str, ECKey]:
    return {key["kid"]: ECKey.import_key(key) for key in json.loads(jwks)["keys"]}


def test_the_wallet_keys_shown_are_the_development_keys(wallet_app):
    with wallet_app.app_context():
        assert wallet_app.config["API_ENVELOPE_KEY"] == "dev-only-api-envelope-key"
        assert json.loads(examples()["wallet-jwks"]) == wallet_api_keys.published()


def test_request_decrypts_to_the_payload_and_is_signed_as_shown(wallet_app):
    shown = examples()
    body = shown["request-body"].encode()
    with wallet_app.app_context():
        opened = jose.decrypt(shown["request-body"], wallet_api_keys.ring().by_kid("enc"))
    assert json.loads(opened) == json.loads(shown["payload"])
    header = jose.verify_detached(shown["jws"], body, keys_by_kid(shown["unit-jwks"]))
    assert header == json.loads(shown["jws-header"])
    assert (header["appid"], header["htm"], header["htu"], header["nonce"]) == (APP_ID, "POST", TARGET, NONCE)
    assert ref.app_signature(APP_KEY, shown["jws"]) == shown["app-signature"]


def test_reply_is_signed_and_decrypts_as_shown():
    shown = examples()
    body = shown["reply-body"].encode()
    header = jose.verify_detached(shown["reply-jws"], body, keys_by_kid(shown["wallet-jwks"]))
    assert header["nonce"] == NONCE
    private = ECKey.import_key(json.loads(shown["unit-private-key"]))
    data = json.loads(body)["data"]
    assert json.loads(jose.decrypt(data, {private.kid: private})) == json.loads(shown["reply-data"])
