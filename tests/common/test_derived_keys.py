"""A secret always gives the same P-256 key, a valid one, and another purpose another key."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ec

from common.derived_keys import p256_key_from_secret

P = 2**256 - 2**224 + 2**192 + 2**96 - 1
B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
SECRET = "correct horse battery staple"


def test_same_secret_and_purpose_give_the_same_key():
    first, again = (p256_key_from_secret(SECRET, b"test/v1").private_numbers() for _ in range(2))
    assert first.private_value == again.private_value


def test_another_purpose_or_secret_gives_another_key():
    values = {
        p256_key_from_secret(secret, purpose).private_numbers().private_value
        for secret, purpose in [(SECRET, b"a"), (SECRET, b"b"), (SECRET + "!", b"a")]
    }
    assert len(values) == 3


def test_the_public_point_lies_on_p256():
    key = p256_key_from_secret(SECRET, b"test/v1")
    assert isinstance(key.curve, ec.SECP256R1)
    point = key.public_key().public_numbers()
    assert (point.y**2 - (point.x**3 - 3 * point.x + B)) % P == 0


def test_keys_already_published_stay_the_same():
    """Receipts and the API's JWKS were derived this way before: units and residents hold these keys."""
    receipt = p256_key_from_secret(SECRET, b"bill-wallet/receipt-key/v1")
    api_sig = p256_key_from_secret(SECRET, b"bill-wallet/api-signing-key/v1")
    assert receipt.private_numbers().private_value == 0xC03373806C8E66E66AAC306FEF15FAB0C9F41687607839F0D73C03303E49BA06
    assert api_sig.private_numbers().private_value == 0xE3F359640AF0EE5E2A374D36E6A0659A67D2895C1449CA4118913DFCDE32847C
