"""Request and reply signatures of the integration API: HMAC-SHA256 under the unit's appKey.

A request is signed over one line each of: the appId, the method, the request target
(path plus ``?`` and the query string exactly as sent, when there is one), the Unix
timestamp, the nonce, and the hex SHA-256 of the raw body (of nothing for an empty one).
The wallet signs its reply the same way over the status, the request's nonce, its own
timestamp and the reply body's hash, so a unit can tell a genuine reply — and the reply
to *this* request — from anything else that reaches it. Both sides compare in constant time.
"""
from __future__ import annotations

import hashlib
import hmac
import re

NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SIGNATURE = re.compile(r"^[0-9a-f]{64}$")


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def request_string(app_id: str, method: str, target: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join([app_id, method.upper(), target, timestamp, nonce, body_hash(body)]).encode()


def reply_string(status: int, request_nonce: str, timestamp: str, body: bytes) -> bytes:
    return "\n".join([str(status), request_nonce, timestamp, body_hash(body)]).encode()


def mac(app_key: str, message: bytes) -> str:
    return hmac.new(app_key.encode(), message, hashlib.sha256).hexdigest()


def matches(app_key: str, message: bytes, given: str) -> bool:
    """Whether ``given`` is the signature of ``message``, compared in constant time."""
    return hmac.compare_digest(mac(app_key, message).encode(), given.strip().lower().encode("utf-8", "replace"))
