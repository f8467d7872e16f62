"""The secrets of a share link: its token and its optional 6-digit access code.

The token is 192 random bits in URL-safe base64; the wallet keeps only its SHA-256, which is
enough to find the link and useless to open it. The access code has only a million values, so
its hash is keyed (HMAC under a key derived from the wallet's secret): a copy of the table
alone does not give the code away by trying them all.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

TOKEN_BYTES = 24
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")
CODE_PATTERN = re.compile(r"[0-9]{6}")
CODE_KEY_LABEL = b"bill-wallet/share-access-code/v1"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def well_formed(token: str) -> bool:
    """Whether ``token`` could be one the wallet made; anything else is refused before a lookup."""
    return TOKEN_PATTERN.fullmatch(token) is not None


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def typed_code(text: str) -> str | None:
    """The six digits a person typed (full-width digits and spaces allowed), or None if it is not six digits."""
    value = "".join(unicodedata.normalize("NFKC", text).split())
    return value if CODE_PATTERN.fullmatch(value) else None


def code_hash(link_token_hash: str, code: str) -> str:
    """Bound to the link, so one code's hash says nothing about another link with the same code."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=CODE_KEY_LABEL).derive(
        current_app.config["SECRET_KEY"].encode()
    )
    return hmac.new(key, f"{link_token_hash}:{code}".encode(), hashlib.sha256).hexdigest()


def code_matches(link_token_hash: str, stored: str, code: str) -> bool:
    return hmac.compare_digest(code_hash(link_token_hash, code), stored)
