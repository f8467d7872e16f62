"""The reference client trusts a reply only when the wallet signed it for this very request."""
from __future__ import annotations

import json

import pytest
import requests
from requests.adapters import BaseAdapter

from clients.reference_client import ReplyNotAuthentic, WalletApiClient, new_envelope_key, reply_signature, seal

APP_KEY = "app-key-for-reference-client-tests"


class Canned(BaseAdapter):
    """Answers every request with a reply built from the request (a stand-in for a forger in the middle)."""

    def __init__(self, answer) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.answer = answer

    def send(self, request, **_kwargs):  # type: ignore[no-untyped-def]
        status, body, headers = self.answer(request)
        response = requests.Response()
        response.status_code, response._content, response.request = status, body, request
        response.headers.update({"Content-Type": "application/json", **headers})
        return response

    def close(self) -> None:
        pass


def unit_client() -> tuple[WalletApiClient, object]:
    """A client whose replies a test decides; the wallet's key is stood in by the unit's own."""
    private_pem, _ = new_envelope_key()
    api = WalletApiClient("https://wallet.test", "bw0123456789abcdef", APP_KEY, private_pem)
    api._wallet_key = (api.private_key.public_key(), "ek-test")
    return api, api.private_key.public_key()


def sealed_reply(public_key, nonce_of, key: str = APP_KEY):  # type: ignore[no-untyped-def]
    def answer(request):  # type: ignore[no-untyped-def]
        data = seal(json.dumps({"id": 1}).encode(), public_key, "ek-unit")
        body = json.dumps({"ok": True, "code": "ok", "message": "成功。", "data": data}).encode()
        signature = reply_signature(key, 200, nonce_of(request), "1772760601", body)
        return 200, body, {"X-Timestamp": "1772760601", "X-Signature": signature}
    return answer


def test_a_genuine_reply_opens():
    api, public = unit_client()
    api.http.mount("https://", Canned(sealed_reply(public, lambda request: request.headers["X-Nonce"])))
    reply = api.authorization(1)
    assert reply.ok and reply.signed and reply.data == {"id": 1}


@pytest.mark.parametrize("forgery", ["other_nonce", "other_key"])
def test_a_reply_signed_for_another_request_or_key_is_rejected(forgery):
    api, public = unit_client()
    nonce_of = (lambda request: "a-nonce-of-another-request") if forgery == "other_nonce" \
        else (lambda request: request.headers["X-Nonce"])
    key = "a-forgers-guess" if forgery == "other_key" else APP_KEY
    api.http.mount("https://", Canned(sealed_reply(public, nonce_of, key)))
    with pytest.raises(ReplyNotAuthentic):
        api.authorization(1)


def test_an_unsigned_reply_with_data_is_rejected():
    api, public = unit_client()
    body = json.dumps({"ok": True, "code": "ok", "message": "", "data": seal(b"{}", public, "ek-unit")}).encode()
    api.http.mount("https://", Canned(lambda request: (200, body, {})))
    with pytest.raises(ReplyNotAuthentic):
        api.authorization(1)
