"""A simulated UKey: an Ed25519 key pair whose private half never leaves the device.

The console asks a UKey to sign a challenge to prove the unit holds it. This module is
the device's side (``flask fiscal ukey-new`` / ``ukey-sign`` and the tests use it); the
server's side only ever sees the public key and signatures.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

PURPOSE = "fiscal-ukey-login"


def login_message(unit_code: str, challenge: str) -> bytes:
    """What a UKey signs to log in: bound to the unit and to one challenge, so neither can be swapped.

    White space is not part of a challenge: the console shows it in groups a person can read.
    """
    return f"{PURPOSE}\n{unit_code}\n{''.join(challenge.split())}".encode()


@dataclass
class UKeyDevice:
    key: Ed25519PrivateKey

    @classmethod
    def new(cls) -> UKeyDevice:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, pem: bytes) -> UKeyDevice:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("not an Ed25519 private key")
        return cls(key)

    def private_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def public_pem(self) -> str:
        public = self.key.public_key()
        return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def public_hex(self) -> str:
        return self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()

    def sign(self, unit_code: str, challenge: str) -> str:
        """Base64 of the signature over :func:`login_message`."""
        return base64.b64encode(self.key.sign(login_message(unit_code, challenge))).decode("ascii")
