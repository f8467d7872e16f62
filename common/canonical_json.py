"""The one canonical JSON of the project: RFC 8785 (JSON Canonicalization Scheme).

Whatever is hashed, signed or compared as bytes — bill documents, receipts, audit
entries, idempotency fingerprints, registered JWK Sets — is serialised here, so any
other language's JCS library reproduces the same bytes. For the data this project
stores (ASCII keys; strings, booleans, null and integers within ±(2^53 − 1)) the bytes
equal those of the former ``json.dumps(sort_keys=True, separators=(",", ":"),
ensure_ascii=False)``, so hashes and signatures made before stay valid; they differ
only for floats, keys outside the Basic Multilingual Plane and integers beyond 2^53,
which JCS formats as ECMAScript does or refuses.
"""

from __future__ import annotations

from typing import Any

import rfc8785


def canonical_json(value: Any) -> bytes:
    """UTF-8 bytes of ``value`` in JCS form.

    ValueError for what JCS cannot hold: NaN, infinities, integers beyond ±(2^53 − 1), lone surrogates.
    """
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, RecursionError) as error:
        raise ValueError(f"not representable as canonical JSON: {error}") from error
