"""The reference client trusts a reply only when the wallet signed it for this very request."""

from __future__ import annotations

import json

import pytest
import requests
from joserfc import jwe, jws
from joserfc.jwk import ECKey, KeySet
from requests.adapters import BaseAdapter

from clients.reference_client import (
    JWE_REGISTRY,
    JWS_REGISTRY,
    ReplyNotAuthentic,
    WalletApiClient,
    new_unit_keys,
    protected_header,
)


class Canned(BaseAdapter):
    """Answers every request with a reply built from the request (a stand-in for a forger in the middle)."""

    def __init__(self, answer) -> None:
        super().__init__()
        self.answer = answer

    def send(self, request, **_kwargs):
        status, body, headers = self.answer(request)
        response = requests.Response()
        response.status_code, response._content, response.request = status, body, request
        response.headers.update({"Content-Type": "application/json", **headers})
        return response

    def close(self) -> None:
        pass


def wallet_keys() -> tuple[ECKey, ECKey]:
    enc, sig = (ECKey.generate_key("P-256", {"use": use}, auto_kid=True) for use in ("enc", "sig"))
    return enc, sig


def unit_client(wallet: tuple[ECKey, ECKey]) -> WalletApiClient:
    """A client whose replies a test decides, knowing the stand-in wallet's keys."""
    private_jwks, _ = new_unit_keys()
    api = WalletApiClient("https://wallet.test", "bw0123456789abcdef", "app-key", private_jwks)
    api._wallet_keys = KeySet.import_key_set(KeySet(list(wallet)).as_dict(private=False))
    return api


def nonce_of(request) -> str:
    return protected_header(request.headers["X-JWS-Signature"])["nonce"]


def signed_reply(api: WalletApiClient, signer: ECKey, nonce):
    def answer(request):
        key = api.receiving_key
        data = jwe.encrypt_compact(
            {"alg": "ECDH-ES+A256KW", "enc": "A256GCM", "kid": key.kid}, b'{"id": 1}', key, registry=JWE_REGISTRY
        )
        body = json.dumps({"ok": True, "code": "ok", "message": "成功。", "data": data}).encode()
        header = {"alg": "ES256", "kid": signer.kid, "iat": 1772760601, "nonce": nonce(request)}
        signature = jws.detach_content(jws.serialize_compact(header, body, signer, registry=JWS_REGISTRY))
        return 200, body, {"X-JWS-Signature": signature}

    return answer


def test_a_genuine_reply_opens():
    wallet = wallet_keys()
    api = unit_client(wallet)
    api.http.mount("https://", Canned(signed_reply(api, wallet[1], nonce_of)))
    reply = api.authorization(1)
    assert reply.ok and reply.signed and reply.data == {"id": 1}


@pytest.mark.parametrize("forgery", ["other_nonce", "other_key"])
def test_a_reply_signed_for_another_request_or_key_is_rejected(forgery):
    wallet = wallet_keys()
    api = unit_client(wallet)
    signer = ECKey.generate_key("P-256", {"use": "sig", "kid": wallet[1].kid}) if forgery == "other_key" else wallet[1]
    nonce = (lambda request: "a-nonce-of-another-request") if forgery == "other_nonce" else nonce_of
    api.http.mount("https://", Canned(signed_reply(api, signer, nonce)))
    with pytest.raises(ReplyNotAuthentic):
        api.authorization(1)


def test_an_unsigned_reply_with_data_is_rejected():
    wallet = wallet_keys()
    api = unit_client(wallet)
    forged = signed_reply(api, wallet[1], nonce_of)

    def unsigned(request):
        status, body, _ = forged(request)
        return status, body, {}

    api.http.mount("https://", Canned(unsigned))
    with pytest.raises(ReplyNotAuthentic):
        api.authorization(1)
