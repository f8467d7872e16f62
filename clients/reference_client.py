"""Reference client of the 票据夹 unit integration API (``/api/v1``). Copy this file into your system.

It needs only ``requests`` and ``joserfc`` (any JOSE library does the same: nothing here is
specific to the wallet but the header names) and shows every step docs/api.md describes:

1. encrypt the JSON payload as a compact JWE (``ECDH-ES+A256KW`` + ``A256GCM``) to the
   wallet's current ``enc`` key from ``GET /api/v1/jwks.json``;
2. sign the raw body as a detached JWS (``ES256``) with the unit's signing key; the
   protected header names the appId, method, request target, time and a fresh nonce;
3. prove the appKey: hex HMAC-SHA256 under the appKey of that JWS;
4. send, then verify the reply's detached JWS with the wallet's ``sig`` key (it names this
   request's nonce) and decrypt ``data`` with the unit's own ``enc`` key.

Usage::

    private_jwks, public_jwks = new_unit_keys()   # register public_jwks in the unit workspace
    api = WalletApiClient("https://wallet.example.cn", app_id, app_key, private_jwks)
    page = api.list_authorizations()
    api.lock(page.data["items"][0]["id"])
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests
from joserfc import jwe, jws
from joserfc.errors import JoseError
from joserfc.jwe import JWERegistry
from joserfc.jwk import ECKey, KeySet
from joserfc.jws import JWSRegistry
from joserfc.registry import HeaderParameter
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

API_PATH = "/api/v1"
JWE_ALGORITHMS = ["ECDH-ES+A256KW", "A256GCM"]
# The JWS header parameters the wallet reads besides alg and kid (docs/api.md §3).
HEADER_PARAMS = {
    name: HeaderParameter(name, kind)
    for name, kind in (("appid", "str"), ("htm", "str"), ("htu", "str"), ("iat", "int"), ("nonce", "str"))
}
JWS_REGISTRY = JWSRegistry(header_registry=HEADER_PARAMS, algorithms=["ES256"])
JWE_REGISTRY = JWERegistry(algorithms=JWE_ALGORITHMS)
# joserfc's default size limits (64 KB of ciphertext, 128 KB of payload) are below a reply
# carrying a full bill or a request carrying a layout file.
JWS_REGISTRY.max_header_length, JWS_REGISTRY.max_payload_length = 2048, 32 * 1024 * 1024
JWE_REGISTRY.max_ciphertext_length = 32 * 1024 * 1024


class ReplyNotAuthentic(Exception):
    """The reply's signature is missing or wrong: do not trust anything in it."""


def new_unit_keys() -> tuple[str, str]:
    """Fresh P-256 keys for the unit, one to sign (``use: sig``) and one to receive (``use: enc``):
    (private JWK Set to keep secret, public JWK Set to register in the unit workspace)."""
    keys = KeySet([ECKey.generate_key("P-256", {"use": use}, auto_kid=True) for use in ("sig", "enc")])
    return json.dumps(keys.as_dict(private=True)), json.dumps(keys.as_dict(private=False))


def app_signature(app_key: str, jws_value: str) -> str:
    """Hex HMAC-SHA256 under the appKey (its UTF-8 bytes) of the X-JWS-Signature value."""
    return hmac.new(app_key.encode(), jws_value.encode(), hashlib.sha256).hexdigest()


def sign_request(key: ECKey, app_id: str, method: str, target: str, body: bytes, timestamp: int, nonce: str) -> str:
    """The detached JWS (``protected..signature``) over the raw body, naming this very request."""
    header = {
        "alg": "ES256",
        "kid": key.kid,
        "appid": app_id,
        "htm": method.upper(),
        "htu": target,
        "iat": timestamp,
        "nonce": nonce,
    }
    return jws.detach_content(jws.serialize_compact(header, body, key, registry=JWS_REGISTRY))


def encrypt(payload: dict[str, Any], key: ECKey) -> str:
    header = {"alg": "ECDH-ES+A256KW", "enc": "A256GCM", "kid": key.kid, "cty": "application/json"}
    return jwe.encrypt_compact(header, json.dumps(payload, ensure_ascii=False).encode(), key, registry=JWE_REGISTRY)


def protected_header(compact: str) -> dict[str, Any]:
    """The protected header of a compact JWS or JWE, unverified (to read its kid or nonce)."""
    first = compact.split(".", 1)[0]
    return json.loads(base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)))


def pooled_session(retries: int = 2, backoff: float = 0.2) -> requests.Session:
    """A pooled session that tries again only a connection that could not be made (nothing was sent).

    Nothing else is retried at this level: every request carries a one-time nonce, so the
    same bytes sent again after the wallet saw them are refused as a replay. To retry a
    call that failed later, call it again: it is signed afresh, and a mutating call keeps
    its Idempotency-Key so it never acts twice.
    """
    retry = Retry(total=retries, connect=retries, read=0, status=0, other=0, backoff_factor=backoff)
    adapter, session = HTTPAdapter(max_retries=retry), requests.Session()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _use(keys: KeySet, use: str) -> list[ECKey]:
    return [k for k in keys.keys if isinstance(k, ECKey) and k.get("use") in (None, use)]


@dataclass
class Reply:
    """One answer: ``data`` is already decrypted. ``signed`` says whether the wallet signed it
    (refusals before the wallet knew who was calling, e.g. ``signature_invalid``, are not)."""

    status: int
    ok: bool
    code: str
    message: str
    data: Any
    signed: bool
    replayed: bool
    response: requests.Response


class WalletApiClient:
    def __init__(
        self,
        base_url: str,
        app_id: str,
        app_key: str,
        private_jwks: str,
        timeout: float = 15.0,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.app_id, self.app_key = app_id, app_key
        own = KeySet.import_key_set(json.loads(private_jwks))
        self.signing_key, self.receiving_key = _use(own, "sig")[0], _use(own, "enc")[0]
        self.timeout = timeout
        self.http = session or pooled_session()
        self._wallet_keys: KeySet | None = None

    def wallet_keys(self, refresh: bool = False) -> KeySet:
        """The wallet's JWK Set (compare its kids with the unit workspace's 接口对接 page)."""
        if self._wallet_keys is None or refresh:
            response = self.http.get(f"{self.base_url}{API_PATH}/jwks.json", timeout=self.timeout)
            response.raise_for_status()
            self._wallet_keys = KeySet.import_key_set(response.json())
        return self._wallet_keys

    def prepare(
        self,
        method: str,
        path: str,
        payload: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        timestamp: int | None = None,
        nonce: str | None = None,
    ) -> requests.PreparedRequest:
        """A signed (and, with a payload, encrypted) request, ready for :meth:`send`."""
        headers = {"Accept": "application/json"}
        body = b""
        if payload is not None:
            body = encrypt(payload, _use(self.wallet_keys(), "enc")[0]).encode()
            headers["Content-Type"] = "application/jose"
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        request = requests.Request(
            method, f"{self.base_url}{API_PATH}{path}", params=query or None, data=body or None, headers=headers
        )
        prepared = self.http.prepare_request(request)
        stamp = timestamp if timestamp is not None else int(time.time())
        signature = sign_request(
            self.signing_key, self.app_id, method, prepared.path_url, body, stamp, nonce or secrets.token_urlsafe(24)
        )
        prepared.headers.update(
            {
                "X-App-Id": self.app_id,
                "X-JWS-Signature": signature,
                "X-App-Signature": app_signature(self.app_key, signature),
            }
        )
        return prepared

    def verify_reply(self, response: requests.Response, nonce: str) -> bool:
        """Whether the wallet signed this reply for the request with ``nonce``; raises if forged."""
        signature = response.headers.get("X-JWS-Signature")
        if not signature:
            return False
        try:
            kid = protected_header(signature).get("kid")
            if not any(k.kid == kid for k in _use(self.wallet_keys(), "sig")):
                self.wallet_keys(refresh=True)
            header = jws.deserialize_compact(
                signature, KeySet([*_use(self.wallet_keys(), "sig")]), registry=JWS_REGISTRY, payload=response.content
            ).headers()
        except (JoseError, ValueError) as error:
            raise ReplyNotAuthentic("the reply's signature does not verify: it is not the wallet's answer") from error
        if header.get("nonce") != nonce:
            raise ReplyNotAuthentic("the reply was signed for another request")
        return True

    def send(self, prepared: requests.PreparedRequest) -> Reply:
        """Send, verify the reply's signature, and decrypt its data."""
        response = self.http.send(prepared, timeout=self.timeout)
        body = response.json()
        signed = self.verify_reply(response, protected_header(prepared.headers["X-JWS-Signature"])["nonce"])
        data = body.get("data")
        if data is not None:
            if not signed:
                raise ReplyNotAuthentic("an unsigned reply carries data")
            plaintext = jwe.decrypt_compact(data, self.receiving_key, registry=JWE_REGISTRY).plaintext
            if plaintext is None:
                raise ReplyNotAuthentic("the reply's data decrypts to nothing")
            data = json.loads(plaintext)
        return Reply(
            response.status_code,
            bool(body["ok"]),
            body["code"],
            body["message"],
            data,
            signed,
            response.headers.get("Idempotent-Replayed") == "true",
            response,
        )

    def call(
        self,
        method: str,
        path: str,
        payload: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Reply:
        reply = self.send(self.prepare(method, path, payload, query, idempotency_key))
        if reply.code == "jwe_key_unknown":  # the wallet rotated its keys: fetch them and encrypt again
            self.wallet_keys(refresh=True)
            reply = self.send(self.prepare(method, path, payload, query, idempotency_key))
        return reply

    # -- one method per operation ------------------------------------------------------------------

    def list_authorizations(self, status: str = "open", cursor: str | None = None, limit: int = 50) -> Reply:
        query = {"status": status, "limit": limit, **({"cursor": cursor} if cursor else {})}
        return self.call("GET", "/authorizations", query=query)

    def iter_authorizations(self, status: str = "open", cursor: str | None = None) -> Iterator[dict[str, Any]]:
        while True:
            reply = self.list_authorizations(status, cursor)
            if not reply.ok:
                raise RuntimeError(f"{reply.code}: {reply.message}")
            yield from reply.data["items"]
            cursor = reply.data["next_cursor"]
            if not reply.data["has_more"]:
                return

    def authorization(self, auth_id: int) -> Reply:
        return self.call("GET", f"/authorizations/{auth_id}")

    def _act(self, auth_id: int, action: str, payload: dict[str, Any] | None, key: str | None) -> Reply:
        key = key or uuid.uuid4().hex
        return self.call("POST", f"/authorizations/{auth_id}/{action}", payload, idempotency_key=key)

    def lock(self, auth_id: int, idempotency_key: str | None = None) -> Reply:
        return self._act(auth_id, "lock", None, idempotency_key)

    def unlock(self, auth_id: int, idempotency_key: str | None = None) -> Reply:
        return self._act(auth_id, "unlock", None, idempotency_key)

    def feedback(
        self, auth_id: int, amount: int, serial: str, voucher: str, time_iso: str, idempotency_key: str | None = None
    ) -> Reply:
        """Report a reimbursement: ``amount`` in fen, ``time_iso`` like 2026-03-06T09:30:00+08:00."""
        payload = {"amount": amount, "serial": serial, "voucher": voucher, "time": time_iso}
        return self._act(auth_id, "feedback", payload, idempotency_key)

    def reject(self, auth_id: int, reason: str, idempotency_key: str | None = None) -> Reply:
        return self._act(auth_id, "reject", {"reason": reason}, idempotency_key)

    def verify_five_elements(self, code: str, number: str, check: str, date: str, amount: str) -> Reply:
        payload = {"code": code, "number": number, "check": check, "date": date, "amount": amount}
        return self.call("POST", "/verifications/five-elements", payload)

    def verify_layout_file(self, pdf: bytes) -> Reply:
        return self.call("POST", "/verifications/layout-file", {"pdf": base64.b64encode(pdf).decode()})
