"""Compact JWE (RFC 7516) and detached JWS (RFC 7515 Appendix F) for the unit API, on joserfc.

Before joserfc sees a token, it is checked strictly here, so every refusal has a stable
code and no altered byte slips through: only ASCII, the right number of segments, each
segment *canonical* unpadded base64url (a base64url character whose unused low bits differ
decodes to the same bytes, so without this check a changed byte could still verify), a
protected header that is a JSON object naming a suite of :mod:`.suites`, a ``kid`` the
holder knows, and for ECDH-ES an ephemeral public key that is a point on the suite's curve
(checked here and again by cryptography when joserfc loads it; an off-curve point would
leak the private key through invalid-curve attacks).

The module is pure: keys come in as joserfc keys or JWK dicts, no application state is read.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jwe, jws
from joserfc.errors import JoseError as LibraryError
from joserfc.jwk import ECKey

from wallet.api_crypto import suites

SEGMENT = re.compile(r"[A-Za-z0-9_-]*")
MAX_TOKEN_CHARS = 2 * suites.MAX_BODY_BYTES
MAX_HEADER_CHARS = 4096
JWE_HEADER = {"alg", "enc", "kid", "epk", "cty", "typ"}
JWS_HEADER = {"alg", "kid", "typ", "cty", *suites.REQUEST_PARAMS}
CURVES = {"P-256": ec.SECP256R1()}


class JoseError(ValueError):
    """A token that cannot be opened or verified; ``code`` says why in a stable word."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code


def b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64d(segment: str, code: str) -> bytes:
    """Decode one segment, refusing anything but its one canonical unpadded base64url form."""
    if not SEGMENT.fullmatch(segment):
        raise JoseError(code, "not base64url")
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as error:
        raise JoseError(code, "not base64url") from error
    if b64e(raw) != segment:
        raise JoseError(code, "not canonical base64url")
    return raw


def _segments(token: Any, count: int, code: str) -> list[str]:
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS or not token.isascii():
        raise JoseError(code, "a compact serialization is one ASCII string")
    parts = token.split(".")
    if len(parts) != count:
        raise JoseError(code, f"a compact serialization here has {count} parts")
    for part in parts:
        b64d(part, code)
    return parts


def _header(segment: str, allowed: set[str], code: str) -> dict[str, Any]:
    if len(segment) > MAX_HEADER_CHARS:
        raise JoseError(code, "protected header too long")
    try:
        header = json.loads(b64d(segment, code))
    except (ValueError, RecursionError) as error:
        raise JoseError(code, "protected header is not JSON") from error
    if not isinstance(header, dict):
        raise JoseError(code, "protected header is not an object")
    unknown = set(header) - allowed
    if unknown:
        raise JoseError(code, f"header parameters not allowed: {sorted(unknown)[:3]}")
    return header


def kid_of(jwk: Mapping[str, Any]) -> str:
    """A key's id: its own ``kid``, else its RFC 7638 thumbprint (SHA-256, base64url)."""
    given = jwk.get("kid")
    return given if isinstance(given, str) and given else ECKey.import_key(dict(jwk)).thumbprint()


def _check_epk(epk: Any, suite: suites.Suite) -> None:
    curve = CURVES.get(suite.crv)
    if not isinstance(epk, dict) or not suite.fits(epk) or curve is None or set(epk) - {"kty", "crv", "x", "y"}:
        raise JoseError("jwe_invalid", "epk is not a public key of the suite's curve")
    try:
        x, y = (int.from_bytes(b64d(epk[n], "jwe_invalid"), "big") for n in ("x", "y"))
        ec.EllipticCurvePublicNumbers(x, y, curve).public_key()
    except (KeyError, TypeError, ValueError) as error:
        raise JoseError("jwe_invalid", "epk is not a point on the curve") from error


def encrypt(plaintext: bytes, recipient: ECKey, kid: str) -> str:
    """Compact JWE of ``plaintext`` for the holder of ``recipient``'s private key."""
    suite = suites.for_key(recipient.as_dict(private=False))
    header = {"alg": suite.key_alg, "enc": suite.enc, "kid": kid, "cty": "application/json"}
    return jwe.encrypt_compact(header, plaintext, recipient, registry=suite.jwe)


def decrypt(token: Any, keys: Mapping[str, ECKey]) -> bytes:
    """The plaintext of a compact JWE sealed to one of ``keys`` (by kid).

    Raises :class:`JoseError` with code ``jwe_invalid`` (malformed, altered, off-curve),
    ``jwe_alg_unsupported`` or ``jwe_key_unknown`` (sealed to a key not held here).
    """
    parts = _segments(token, 5, "jwe_invalid")
    header = _header(parts[0], JWE_HEADER, "jwe_invalid")
    try:
        suite = suites.for_encryption(header.get("alg"), header.get("enc"))
    except suites.UnsupportedAlgorithm as error:
        raise JoseError("jwe_alg_unsupported", str(error)) from error
    kid = header.get("kid")
    key = keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        raise JoseError("jwe_key_unknown", str(kid)[:80])
    _check_epk(header.get("epk"), suite)
    try:
        return jwe.decrypt_compact(token, key, registry=suite.jwe).plaintext or b""
    except (LibraryError, ValueError) as error:
        raise JoseError("jwe_invalid", "does not open: altered or sealed to another key") from error


def sign_detached(payload: bytes, key: ECKey, header: Mapping[str, Any]) -> str:
    """A detached compact JWS (``protected..signature``) over ``payload``."""
    suite = suites.for_key(key.as_dict(private=False))
    signed = jws.serialize_compact({"alg": suite.sign_alg, **header}, payload, key, registry=suite.jws)
    return jws.detach_content(signed)


def signed_header(signature: Any) -> dict[str, Any]:
    """The protected header of a detached JWS, unverified: to find the key that verifies it."""
    parts = _segments(signature, 3, "jws_invalid")
    if parts[1]:
        raise JoseError("jws_invalid", "the payload is detached: the middle part stays empty")
    header = _header(parts[0], JWS_HEADER, "jws_invalid")
    if not isinstance(header.get("kid"), str):
        raise JoseError("jws_invalid", "kid is required")
    return header


def verify_detached(signature: Any, payload: bytes, keys: Mapping[str, ECKey]) -> dict[str, Any]:
    """The protected header of a detached JWS over ``payload`` made by one of ``keys`` (by kid).

    Raises :class:`JoseError`: ``jws_invalid`` (malformed), ``jws_alg_unsupported``,
    ``jws_key_unknown`` or ``jws_signature_invalid``.
    """
    header = signed_header(signature)
    try:
        suite = suites.for_signature(header.get("alg"))
    except suites.UnsupportedAlgorithm as error:
        raise JoseError("jws_alg_unsupported", str(error)) from error
    key = keys.get(header["kid"])
    if key is None:
        raise JoseError("jws_key_unknown", header["kid"][:80])
    if not suite.fits(key.as_dict(private=False)):
        raise JoseError("jws_alg_unsupported", "the key is of another suite")
    try:
        jws.deserialize_compact(signature, key, registry=suite.jws, payload=payload)
    except (LibraryError, ValueError) as error:
        raise JoseError("jws_signature_invalid", "the signature does not verify") from error
    return header


def public_keys(text: str) -> list[dict[str, Any]]:
    """Public JWKs (each with its kid) from a JWK or JWK Set in JSON; ValueError with the reason in Chinese.

    Only keys of a registered suite, only public members: a private key pasted by mistake is
    refused rather than stored.
    """
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise ValueError("不是 JSON") from error
    found = value.get("keys") if isinstance(value, dict) and "keys" in value else [value]
    if not isinstance(found, list) or not 1 <= len(found) <= 4:
        raise ValueError("应为一个 JWK，或含 1–4 把公钥的 JWKS")
    keys = []
    for jwk in found:
        if not isinstance(jwk, dict):
            raise ValueError("每把公钥应为一个 JSON 对象")
        if "d" in jwk:
            raise ValueError("这是私钥（含 d），只能登记公钥")
        try:
            suite = suites.for_key(jwk)
        except suites.UnsupportedAlgorithm as error:
            raise ValueError("只支持 P-256 椭圆曲线公钥（kty EC，crv P-256）") from error
        if jwk.get("use") not in (None, "sig", "enc"):
            raise ValueError("use 只能是 sig 或 enc")
        try:
            imported = ECKey.import_key({k: v for k, v in jwk.items() if k in {"kty", "crv", "x", "y"}})
        except (LibraryError, ValueError, TypeError) as error:
            raise ValueError("坐标不是曲线上的点") from error
        public = imported.as_dict(private=False)
        if not suite.fits(public):
            raise ValueError("不是支持的密钥类型")
        keys.append({**public, **({"use": jwk["use"]} if "use" in jwk else {}), "kid": kid_of(jwk)})
    if len({k["kid"] for k in keys}) != len(keys):
        raise ValueError("两把公钥的 kid 相同")
    return keys
