"""Names and ID numbers at rest: AES-256-GCM to store them, HMAC-SHA256 to find them.

Both keys are derived (HKDF-SHA256) from configured secrets, so an operator sets any long
random string. Every ciphertext is bound to its purpose (e.g. ``resident.id_number``) as
associated data, so a value cannot be moved to another column or context and still open.
Layout: version byte ``0x01`` · 12-byte nonce · ciphertext and tag.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from common.identifiers import fold_or_none

VERSION = b"\x01"
NONCE_BYTES = 12


@lru_cache(maxsize=8)
def _derive(secret: str, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(secret.encode())


def _cipher() -> AESGCM:
    return AESGCM(_derive(current_app.config["ID_ENCRYPTION_KEY"], b"bill-wallet/aes-gcm/v1"))


def seal(plaintext: str, purpose: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + _cipher().encrypt(nonce, plaintext.encode(), purpose.encode())


def unseal(blob: bytes, purpose: str) -> str:
    """The plaintext; ValueError when the blob was altered, sealed for another purpose or key."""
    if not blob or blob[:1] != VERSION:
        raise ValueError("unknown ciphertext format")
    nonce, body = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return _cipher().decrypt(nonce, body, purpose.encode()).decode()
    except InvalidTag as error:
        raise ValueError("ciphertext does not open with this key and purpose") from error


def normalize_id_number(id_number: str) -> str:
    """One form per ID number (full-width typed digits folded, ``x`` as ``X``), so the same person
    typed two ways hashes alike."""
    return (fold_or_none(id_number) or id_number.strip()).upper()


def lookup_hash(id_number: str) -> str:
    """A keyed hash of an ID number: equal numbers match, and the table alone reveals none."""
    key = _derive(current_app.config["ID_HASH_KEY"], b"bill-wallet/id-lookup/v1")
    return hmac.new(key, normalize_id_number(id_number).encode(), hashlib.sha256).hexdigest()


def normalize_name(name: str) -> str:
    """One form per written name: full-width and compatibility forms folded (NFKC), spaces dropped,
    and the middle dots of a transliterated name (``·``, ``•``, ``.``) made one, so a clerk typing
    the name as the person spells it finds them."""
    folded = "".join(unicodedata.normalize("NFKC", name).split())
    return folded.replace("•", "·").replace(".", "·").replace("\u30fb", "·")


def name_lookup_hash(name: str) -> str:
    """A keyed hash of a person's name, apart from the ID-number key: equal names match, the
    table alone reveals none. Empty for no name, so an unnamed claimant matches no search."""
    normalized = normalize_name(name)
    if not normalized:
        return ""
    key = _derive(current_app.config["ID_HASH_KEY"], b"bill-wallet/name-lookup/v1")
    return hmac.new(key, normalized.encode(), hashlib.sha256).hexdigest()
