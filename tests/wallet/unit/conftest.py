"""Fixtures of the unit console's tests: the demo units, a resident's collected bills, a logged-in clerk."""

import pytest

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.wallet.authorization.fixtures import (  # noqa: F401  (fixtures)
    collected,
    demo_units,
    resident_client,
    stub_browser,
    unit_client_login,
    unit_logins,
)


@pytest.fixture
def insurer(client, demo_units, unit_logins):
    """The demo insurer's user, logged in on the wallet's test client (password, then TOTP)."""
    unit_client_login(client, unit_logins["insurer"])
    return client
