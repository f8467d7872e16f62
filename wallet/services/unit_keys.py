"""A unit's public keys (JWK): which verify its requests' signatures and which receives its replies.

A unit registers a JWK Set (or one JWK) in the unit workspace, or the URL of its own JWKS,
which the wallet fetches then and again when a request is signed with a kid it does not
know yet (at most once a minute), so a unit rotates its signing key by publishing the new
key beside the old one. A key with ``use`` ``sig`` only verifies, with ``enc`` only
receives; without ``use`` it does both. Replies are encrypted to the first key that may
receive, so a unit rotating its encryption key lists the new one first. The URL must lead
to a public host (:mod:`.outbound_urls`), and the fetch is small and short.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import current_app
from joserfc.jwk import ECKey
from requests.adapters import HTTPAdapter

from common.canonical_json import canonical_json
from common.timeutil import utcnow
from wallet.api_crypto import jose
from wallet.extensions import db
from wallet.models.api import ApiCredential
from wallet.refusals import Refusal
from wallet.services import outbound_urls

MAX_JWKS_BYTES = 64 * 1024
FETCH_TIMEOUT = 3.0
FETCH_SECONDS = 5.0
CA_BUNDLE: bool | str = True  # requests' default trust store; a file of CA certificates instead
REFRESH_AFTER = timedelta(minutes=1)


@dataclass(frozen=True)
class UnitKeys:
    verify: dict[str, ECKey]
    receive: ECKey | None


def _unusable(reason: str) -> Refusal:
    """The unit reads the reason after "无法登记：" on its integration page (api_credentials)."""
    return Refusal("keys_unusable", reason, 422)


def parse(text: str) -> str:
    """The registered form of a pasted or fetched JWK / JWK Set: canonical JSON of its public keys."""
    try:
        keys = jose.public_keys(text)
    except ValueError as error:
        raise _unusable(str(error)) from error
    return canonical_json({"keys": keys}).decode()


class PinnedAdapter(HTTPAdapter):
    """Connects to the address the URL check approved, whatever DNS answers by now; TLS still
    checks the certificate against the host name in the URL."""

    def __init__(self, target: outbound_urls.Target) -> None:
        super().__init__(max_retries=0)
        self.target = target

    def build_connection_pool_key_attributes(self, request: Any, verify: Any, cert: Any = None) -> Any:
        # Plain dicts (and Any out): types-requests' TypedDicts here lack urllib3's TLS host keys.
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        params: dict[str, Any] = dict(host_params)
        kwargs: dict[str, Any] = dict(pool_kwargs)
        params["host"] = str(self.target.address)
        if params["scheme"] == "https":
            kwargs["server_hostname"] = kwargs["assert_hostname"] = self.target.host
        return params, kwargs


def check_url(url: str) -> outbound_urls.Target:
    """The URL if the wallet may fetch it (see :mod:`.outbound_urls`); a Refusal otherwise."""
    allowed = current_app.config.get("UNIT_JWKS_ALLOWED_HOSTS", "")
    return outbound_urls.check(
        url, current_app.config["APP_ENV"], frozenset(h.strip().lower() for h in allowed.split(",") if h.strip())
    )


def download(target: outbound_urls.Target) -> bytes:
    """The body at ``target``: no redirect followed, no proxy, at most MAX_JWKS_BYTES + 1 bytes, in FETCH_SECONDS."""
    deadline = time.monotonic() + FETCH_SECONDS
    body = b""
    with requests.Session() as session:
        session.trust_env = False
        session.mount(f"{target.scheme}://", PinnedAdapter(target))
        headers = {"Accept": "application/jwk-set+json, application/json", "Host": urlsplit(target.url).netloc}
        try:
            with session.get(
                target.url, timeout=FETCH_TIMEOUT, stream=True, allow_redirects=False, headers=headers, verify=CA_BUNDLE
            ) as response:
                if response.is_redirect:
                    raise _unusable("该地址返回了跳转，平台不跟随跳转，请填写 JWKS 的最终地址")
                response.raise_for_status()
                for chunk in response.iter_content(8192):
                    body += chunk
                    if len(body) > MAX_JWKS_BYTES or time.monotonic() > deadline:
                        break
        except requests.RequestException as error:
            raise _unusable("无法从该地址取得 JWKS") from error
    if time.monotonic() > deadline:
        raise _unusable(f"该地址 {FETCH_SECONDS:g} 秒内没有返回 JWKS")
    return body


def fetch(url: str) -> str:
    """The unit's JWKS from its URL, parsed; a Refusal when it may not be fetched, cannot be read or used."""
    body = download(check_url(url))
    if len(body) > MAX_JWKS_BYTES:
        raise _unusable("JWKS 超过 64 KB")
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
    except Refusal:
        db.session.commit()
        return False
    changed = registered != credential.unit_jwks
    credential.unit_jwks = registered
    db.session.commit()
    return changed
