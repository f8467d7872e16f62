"""Fixtures of the identity stub's tests: its demo people, and the wallet as the relying party that signs in."""

from __future__ import annotations

import pytest

from tests.identity_stub.client import Relying
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)


@pytest.fixture
def rp(seeded_idp, system) -> Relying:
    return Relying.for_wallet(system, seeded_idp)
