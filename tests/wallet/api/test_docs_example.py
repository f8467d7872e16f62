"""docs/api.md's worked example is true: every value in it checks out against the code."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from clients import reference_client as ref
from wallet.api import wallet_key
from wallet.api_crypto import envelope, signing

DOC = Path(__file__).resolve().parents[3] / "docs" / "api.md"
APP_ID, APP_KEY = "bw5f2c9a1e07d4b6c3", "q8ZJ0m4vQe1yH9sT3kLw7PnXc2RbUa6dFg5hJi8oKtM"
TIMESTAMP, NONCE, TARGET = "1772760600", "3fT9kQ2mXv8LwZ1pR7sN4bY6", "/api/v1/authorizations/128/feedback"


def examples() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    return {name: body.strip() for name, body in
            re.findall(r"<!-- example:([a-z-]+) -->\n```[a-z]*\n(.*?)```", text, re.S)}


def test_request_opens_to_the_payload_and_is_signed_as_shown(wallet_app):
    shown = examples()
    body = shown["request-body"].encode()
    with wallet_app.app_context():
        assert wallet_app.config["API_ENVELOPE_KEY"] == "dev-only-api-envelope-key"
        opened = envelope.open_envelope(json.loads(body), wallet_key.private_key(), wallet_key.kid())
    assert json.loads(opened) == json.loads(shown["payload"])
    lines = shown["string-to-sign"].split("\n")
    assert lines == [APP_ID, "POST", TARGET, TIMESTAMP, NONCE, hashlib.sha256(body).hexdigest()]
    assert signing.request_string(APP_ID, "POST", TARGET, TIMESTAMP, NONCE, body).decode() == shown["string-to-sign"]
    assert ref.sign_request(APP_KEY, APP_ID, "POST", TARGET, TIMESTAMP, NONCE, body) == shown["signature"]


def test_reply_is_signed_and_opens_as_shown():
    shown = examples()
    body = shown["reply-body"].encode()
    assert ref.reply_signature(APP_KEY, 200, NONCE, "1772760601", body) == shown["reply-signature"]
    private = serialization.load_pem_private_key(shown["unit-private-key"].encode(), password=None)
    data = json.loads(body)["data"]
    assert data["kid"] == ref.key_id(private.public_key())
    assert json.loads(ref.open_envelope(data, private)) == json.loads(shown["reply-data"])
