"""A push service stand-in (RFC 8030) that checks what a Web Push sender must get right, for real.

It accepts a message only when the ``Authorization: vapid t=<JWT>, k=<key>`` header carries an
ES256 token signed by ``k`` whose audience is this service's origin and whose expiry lies
ahead by at most 24 hours (RFC 8292), the body is ``Content-Encoding: aes128gcm`` and a
``TTL`` is given; it then decrypts the body with the subscriber's private key and auth secret
as a browser would (RFC 8291 over RFC 8188), written here from the RFCs rather than with the
sender's library. What it accepted, and why it refused, is kept for the test to read.
"""

from __future__ import annotations

import base64
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

POINT = (serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


@dataclass
class Subscriber:
    """A browser's side of a subscription: its key pair and auth secret, and the endpoint it got."""

    endpoint: str
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(self.key.public_key().public_bytes(*POINT))

    @property
    def auth(self) -> str:
        return b64url(self.secret)

    def decrypt(self, body: bytes) -> bytes:
        """RFC 8291 §3.4 key derivation, RFC 8188 one-record aes128gcm content coding."""
        salt, record_size, id_len = body[:16], int.from_bytes(body[16:20], "big"), body[20]
        sender_public = body[21 : 21 + id_len]
        ciphertext = body[21 + id_len :]
        assert id_len == 65 and len(ciphertext) <= record_size, "one record, keyid = the sender's P-256 key"
        sender = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender_public)
        shared = self.key.exchange(ec.ECDH(), sender)
        own_public = self.key.public_key().public_bytes(*POINT)
        ikm = _hkdf(self.secret, shared, b"WebPush: info\x00" + own_public + sender_public, 32)
        cek = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
        nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
        padded = AESGCM(cek).decrypt(nonce, ciphertext, None)
        text = padded.rstrip(b"\x00")
        assert text.endswith(b"\x02"), "the last record ends with the 0x02 delimiter"
        return text[:-1]


@dataclass
class PushService:
    url: str = ""
    subscribers: dict[str, Subscriber] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    received: list[tuple[str, bytes]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)

    def subscribe(self) -> Subscriber:
        token = b64url(os.urandom(12))
        sub = Subscriber(f"{self.url}/push/{token}")
        self.subscribers[f"/push/{token}"] = sub
        return sub

    def check(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        sub = self.subscribers.get(path)
        if sub is None or path in self.gone:
            return 410, "subscription gone"
        scheme, _, params = headers.get("authorization", "").partition(" ")
        fields = dict(p.strip().split("=", 1) for p in params.split(",") if "=" in p)
        if scheme.lower() != "vapid" or "t" not in fields or "k" not in fields:
            return 401, "no vapid authorization"
        signer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(fields["k"]))
        try:
            claims = jwt.decode(fields["t"], signer, algorithms=["ES256"], audience=self.url)
        except jwt.PyJWTError as error:
            return 403, f"bad token: {error}"
        if not 0 < claims["exp"] - time.time() <= 24 * 3600 or not str(claims.get("sub", "")).startswith("mailto:"):
            return 403, "expiry more than 24 h ahead, or no contact"
        if headers.get("content-encoding") != "aes128gcm" or "ttl" not in headers:
            return 400, "not aes128gcm, or no TTL"
        self.claims.append(claims)
        self.received.append((path, sub.decrypt(body)))
        return 201, ""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    service: PushService

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            status, why = self.service.check(self.path, headers, body)
        except Exception as error:  # a decryption failure is a refusal the test must see
            status, why = 400, f"undecryptable: {error!r}"
        if why:
            self.service.refused.append(why)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def push_service() -> Iterator[PushService]:
    service = PushService()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), type("PushHandler", (_Handler,), {"service": service}))
    service.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        httpd.shutdown()
        httpd.server_close()
