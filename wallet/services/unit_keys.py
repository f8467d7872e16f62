"""A unit's public keys (JWK): which verify its requests' signatures and which receives its replies.

A unit registers a JWK Set (or one JWK) in the unit workspace, or the URL of its own JWKS,
which the wallet fetches then and again when a request is signed with a kid it does not
know yet (at most once a minute), so a unit rotates its signing key by publishing the new
key beside the old one. A key with ``use`` ``sig`` only verifies, with ``enc`` only
receives; without ``use`` it does both. Replies are encrypted to the first key that may
receive, so a unit rotating its encryption key lists the new one first.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from urllib.parse import urlsplit

import requests
from joserfc.jwk import ECKey

from common.timeutil import utcnow
from wallet.api_crypto import jose
from wallet.extensions import db
from wallet.models.api import ApiCredential

MAX_JWKS_BYTES = 64 * 1024
FETCH_TIMEOUT = 5.0
REFRESH_AFTER = timedelta(minutes=1)
SESSION = requests.Session()


class KeysRefused(ValueError):
    """The keys (or the URL) cannot be used; the message says why, for people."""


@dataclass(frozen=True)
class UnitKeys:
    verify: dict[str, ECKey]
    receive: ECKey | None


def parse(text: str) -> str:
    """The registered form of a pasted or fetched JWK / JWK Set: canonical JSON of its public keys."""
    try:
        keys = jose.public_keys(text)
    except ValueError as error:
        raise KeysRefused(str(error)) from error
    return json.dumps({"keys": keys}, sort_keys=True, separators=(",", ":"))


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.username or len(url) > 500:
        raise KeysRefused("JWKS 地址须为 https 地址")
    return url


def fetch(url: str) -> str:
    """The unit's JWKS from its URL, parsed; KeysRefused when it cannot be read or used."""
    try:
        with SESSION.get(check_url(url), timeout=FETCH_TIMEOUT, stream=True, allow_redirects=False,
                          headers={"Accept": "application/jwk-set+json, application/json"}) as response:
            response.raise_for_status()
            body = b""
            for chunk in response.iter_content(8192):
                body += chunk
                if len(body) > MAX_JWKS_BYTES:
                    break
    except requests.RequestException as error:
        raise KeysRefused("无法从该地址取得 JWKS") from error
    if len(body) > MAX_JWKS_BYTES:
        raise KeysRefused("JWKS 超过 64 KB")
    return parse(body.decode("utf-8", "replace"))


@lru_cache(maxsize=512)
def _imported(registered: str) -> UnitKeys:
    keys = json.loads(registered)["keys"]
    verify = {k["kid"]: ECKey.import_key(k) for k in keys if k.get("use") in (None, "sig")}
    receive = next((ECKey.import_key(k) for k in keys if k.get("use") in (None, "enc")), None)
    return UnitKeys(verify, receive)


def keys_of(credential: ApiCredential) -> UnitKeys | None:
    return _imported(credential.unit_jwks) if credential.unit_jwks else None


def refresh(credential: ApiCredential) -> bool:
    """Fetch the unit's JWKS URL again (a request named an unknown kid); True when keys changed."""
    url, fetched = credential.unit_jwks_url, credential.unit_keys_at
    if not url or (fetched is not None and utcnow() - fetched < REFRESH_AFTER):
        return False
    credential.unit_keys_at = utcnow()
    try:
        registered = fetch(url)
    except KeysRefused:
        db.session.commit()
        return False
    changed = registered != credential.unit_jwks
    credential.unit_jwks = registered
    db.session.commit()
    return changed
