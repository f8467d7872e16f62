"""The algorithm registry of the unit API: which JOSE algorithms a key of each kind uses.

A *suite* ties a key type to its signature algorithm (JWS ``alg``), its key agreement
(JWE ``alg``) and its content cipher (JWE ``enc``). Everything that signs, verifies,
encrypts or decrypts asks this registry, never names an algorithm itself, so a 国密 suite
(SM2 key agreement + SM4-GCM, SM2 signatures with SM3) is one more entry under its own
private names — with the algorithm models registered in joserfc's registries — and no
format changes. docs/api.md §7 has the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from joserfc.jwe import JWERegistry
from joserfc.jws import JWSRegistry
from joserfc.registry import HeaderParameter

# Header parameters a request's JWS carries besides alg and kid (docs/api.md §3): who calls,
# which request this is, when, and once only. The reply's JWS carries iat and nonce.
REQUEST_PARAMS = {
    "appid": HeaderParameter("the caller's appId", "str"),
    "htm": HeaderParameter("HTTP method of the request (as DPoP's claim, RFC 9449)", "str"),
    "htu": HeaderParameter("request target: path and query exactly as sent", "str"),
    "iat": HeaderParameter("Unix time in seconds when signed", "int"),
    "nonce": HeaderParameter("a value never used before (RFC 8555 header parameter)", "str"),
}


MAX_BODY_BYTES = 32 * 1024 * 1024


class UnsupportedAlgorithm(ValueError):
    """No suite in the registry has this algorithm (or this key type)."""


@dataclass(frozen=True)
class Suite:
    """One family of algorithms, named by the key type and curve its keys carry."""

    name: str
    kty: str
    crv: str
    sign_alg: str
    key_alg: str
    enc: str
    jws: JWSRegistry = field(init=False, repr=False, compare=False)
    jwe: JWERegistry = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        signatures = JWSRegistry(header_registry=REQUEST_PARAMS, algorithms=[self.sign_alg])
        encryption = JWERegistry(algorithms=[self.key_alg, self.enc])
        # joserfc's defaults (64 KB of ciphertext, 128 KB of payload) are below a layout file or a
        # full bill's reply: the request body limit (WALLET_MAX_UPLOAD_BYTES) is the bound here.
        signatures.max_header_length, signatures.max_payload_length = 2048, MAX_BODY_BYTES
        encryption.max_ciphertext_length = MAX_BODY_BYTES
        object.__setattr__(self, "jws", signatures)
        object.__setattr__(self, "jwe", encryption)

    def fits(self, jwk: dict[str, Any]) -> bool:
        return jwk.get("kty") == self.kty and jwk.get("crv") == self.crv


SUITES: dict[str, Suite] = {
    "JOSE-P256": Suite("JOSE-P256", kty="EC", crv="P-256", sign_alg="ES256", key_alg="ECDH-ES+A256KW", enc="A256GCM"),
}


def for_key(jwk: dict[str, Any]) -> Suite:
    """The suite a JWK (as a dict) belongs to."""
    for suite in SUITES.values():
        if suite.fits(jwk):
            return suite
    raise UnsupportedAlgorithm(f"no suite for kty={jwk.get('kty')!r} crv={jwk.get('crv')!r}")


def for_signature(alg: Any) -> Suite:
    for suite in SUITES.values():
        if suite.sign_alg == alg:
            return suite
    raise UnsupportedAlgorithm(f"signature algorithm {str(alg)[:20]!r}")


def for_encryption(alg: Any, enc: Any) -> Suite:
    for suite in SUITES.values():
        if (suite.key_alg, suite.enc) == (alg, enc):
            return suite
    raise UnsupportedAlgorithm(f"encryption algorithms {str(alg)[:20]!r}/{str(enc)[:20]!r}")


def names() -> dict[str, list[str]]:
    """What the wallet accepts, for the OpenAPI document and the unit console."""
    return {
        "sign": [s.sign_alg for s in SUITES.values()],
        "key": [s.key_alg for s in SUITES.values()],
        "enc": [s.enc for s in SUITES.values()],
        "curves": [s.crv for s in SUITES.values()],
    }
