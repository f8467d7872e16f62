"""Reference client of the 票据夹 unit integration API (``/api/v1``). Copy this file into your system.

It needs only ``requests`` and ``cryptography`` and shows every step docs/api.md describes:

1. seal the JSON payload in a digital envelope to the wallet's envelope key
   (one-time ECDH P-256 key + HKDF-SHA256 + AES-256-GCM);
2. sign appId, method, request target, timestamp, nonce and the body's SHA-256 with
   HMAC-SHA256 under the appKey;
3. send, then check the reply's signature (it names this request's nonce) and open
   ``data`` with the unit's own envelope private key.

Usage::

    private_pem, public_pem = new_envelope_key()   # register public_pem in the unit workspace
    api = WalletApiClient("https://wallet.example.cn", app_id, app_key, private_pem)
    page = api.list_authorizations()
    api.lock(page.data["items"][0]["id"])
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any, Iterator

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

P256 = "ECDH-ES+A256GCM/P-256"
X25519 = "ECDH-ES+A256GCM/X25519"
KDF_LABEL = b"bill-wallet/envelope/v1"
API_PATH = "/api/v1"


class ReplyNotAuthentic(Exception):
    """The reply's signature is missing or wrong: do not trust anything in it."""


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# -- the digital envelope -----------------------------------------------------------------------


def new_envelope_key() -> tuple[str, str]:
    """A fresh P-256 key pair for the unit: (private PEM to keep secret, public PEM to register)."""
    private = ec.generate_private_key(ec.SECP256R1())
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
    return private_pem, public_pem(private.public_key())


def public_pem(key: Any) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def key_id(public_key: Any) -> str:
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return "ek-" + hashlib.sha256(der).hexdigest()[:16]


def _raw_public(key: Any) -> bytes:
    if isinstance(key, x25519.X25519PublicKey):
        return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def _aad(alg: str, kid: str, epk: str) -> bytes:
    return json.dumps({"alg": alg, "epk": epk, "kid": kid}, sort_keys=True, separators=(",", ":")).encode()


def _content_key(alg: str, shared: bytes, epk: bytes, recipient: bytes) -> bytes:
    info = KDF_LABEL + b"\x00" + alg.encode() + b"\x00" + epk + recipient
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)


def seal(plaintext: bytes, recipient: Any, kid: str) -> dict[str, str]:
    """Encrypt for the holder of ``recipient``'s private key (a P-256 or X25519 public key)."""
    if isinstance(recipient, x25519.X25519PublicKey):
        alg, ephemeral = X25519, x25519.X25519PrivateKey.generate()
        shared = ephemeral.exchange(recipient)
    else:
        alg, ephemeral = P256, ec.generate_private_key(ec.SECP256R1())
        shared = ephemeral.exchange(ec.ECDH(), recipient)
    epk = _raw_public(ephemeral.public_key())
    key = _content_key(alg, shared, epk, _raw_public(recipient))
    iv, epk_text = os.urandom(12), b64url(epk)
    ct = AESGCM(key).encrypt(iv, plaintext, _aad(alg, kid, epk_text))
    return {"alg": alg, "kid": kid, "epk": epk_text, "iv": b64url(iv), "ct": b64url(ct)}


def open_envelope(envelope: dict[str, str], private: Any) -> bytes:
    """The plaintext of an envelope sealed to ``private``'s public key (raises if altered)."""
    epk = unb64url(envelope["epk"])
    if envelope["alg"] == X25519:
        shared = private.exchange(x25519.X25519PublicKey.from_public_bytes(epk))
    elif envelope["alg"] == P256:
        shared = private.exchange(ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), epk))
    else:
        raise ValueError(f"unsupported envelope algorithm {envelope['alg']}")
    key = _content_key(envelope["alg"], shared, epk, _raw_public(private.public_key()))
    return AESGCM(key).decrypt(unb64url(envelope["iv"]), unb64url(envelope["ct"]),
                               _aad(envelope["alg"], envelope["kid"], envelope["epk"]))


# -- signatures ------------------------------------------------------------------------------------


def sign_request(app_key: str, app_id: str, method: str, target: str, timestamp: str, nonce: str,
                 body: bytes) -> str:
    """Hex HMAC-SHA256 over the six lines; ``target`` is the path plus ``?query`` exactly as sent."""
    text = "\n".join([app_id, method.upper(), target, timestamp, nonce, hashlib.sha256(body).hexdigest()])
    return hmac.new(app_key.encode(), text.encode(), hashlib.sha256).hexdigest()


def reply_signature(app_key: str, status: int, nonce: str, timestamp: str, body: bytes) -> str:
    text = "\n".join([str(status), nonce, timestamp, hashlib.sha256(body).hexdigest()])
    return hmac.new(app_key.encode(), text.encode(), hashlib.sha256).hexdigest()


# -- the client ------------------------------------------------------------------------------------


@dataclass
class Reply:
    """One answer: ``data`` is already opened. ``signed`` says whether the wallet signed it
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
    def __init__(self, base_url: str, app_id: str, app_key: str, private_key_pem: str, timeout: float = 15.0,
                 session: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.app_id, self.app_key = app_id, app_key
        self.private_key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
        self.timeout = timeout
        self.http = session or requests.Session()
        self._wallet_key: tuple[Any, str] | None = None

    def wallet_key(self, refresh: bool = False) -> tuple[Any, str]:
        """The wallet's envelope public key and key id (compare the kid with the unit workspace's)."""
        if self._wallet_key is None or refresh:
            data = self.http.get(f"{self.base_url}{API_PATH}/envelope-key", timeout=self.timeout).json()["data"]
            self._wallet_key = (serialization.load_pem_public_key(data["public_key_pem"].encode()), data["kid"])
        return self._wallet_key

    def prepare(self, method: str, path: str, payload: dict[str, Any] | None = None,
                query: dict[str, Any] | None = None, idempotency_key: str | None = None,
                timestamp: int | None = None, nonce: str | None = None) -> requests.PreparedRequest:
        """A signed (and, with a payload, sealed) request, ready for :meth:`send`."""
        headers = {"Accept": "application/json"}
        body = b""
        if payload is not None:
            key, kid = self.wallet_key()
            body = json.dumps(seal(json.dumps(payload, ensure_ascii=False).encode(), key, kid)).encode()
            headers["Content-Type"] = "application/json"
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        request = requests.Request(method, f"{self.base_url}{API_PATH}{path}", params=query or None,
                                   data=body or None, headers=headers)
        prepared = self.http.prepare_request(request)
        stamp, nonce = str(timestamp if timestamp is not None else int(time.time())), nonce or secrets.token_urlsafe(24)
        prepared.headers.update({"X-App-Id": self.app_id, "X-Timestamp": stamp, "X-Nonce": nonce})
        prepared.headers["X-Signature"] = sign_request(self.app_key, self.app_id, method, prepared.path_url, stamp,
                                                       nonce, body)
        return prepared

    def send(self, prepared: requests.PreparedRequest) -> Reply:
        """Send, check the reply's signature, and open its data."""
        response = self.http.send(prepared, timeout=self.timeout)
        body = response.json()
        stamp, given = response.headers.get("X-Timestamp"), response.headers.get("X-Signature")
        signed = bool(stamp and given)
        if signed:
            expected = reply_signature(self.app_key, response.status_code, prepared.headers["X-Nonce"], stamp or "",
                                       response.content)
            if not hmac.compare_digest(expected, given or ""):
                raise ReplyNotAuthentic("the reply's signature does not match: it is not the wallet's answer")
        data = body.get("data")
        if data is not None:
            if not signed:
                raise ReplyNotAuthentic("an unsigned reply carries data")
            data = json.loads(open_envelope(data, self.private_key))
        return Reply(response.status_code, bool(body["ok"]), body["code"], body["message"], data, signed,
                     response.headers.get("Idempotent-Replayed") == "true", response)

    def call(self, method: str, path: str, payload: dict[str, Any] | None = None,
             query: dict[str, Any] | None = None, idempotency_key: str | None = None) -> Reply:
        reply = self.send(self.prepare(method, path, payload, query, idempotency_key))
        if reply.code == "envelope_key_unknown":  # the wallet changed its key: fetch it and seal again
            self.wallet_key(refresh=True)
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

    def feedback(self, auth_id: int, amount: int, serial: str, voucher: str, time_iso: str,
                 idempotency_key: str | None = None) -> Reply:
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
