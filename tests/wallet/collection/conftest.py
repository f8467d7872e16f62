"""The signed-in resident the list and bill page tests look at."""

from __future__ import annotations

import pytest

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.network import persona
from tests.wallet.auth.flows import log_in
from wallet.identity_lookup import resident_for_id_number
from wallet.services.sync import sync_person


@pytest.fixture
def rid(client, wallet_app, network, seeded_idp, fiscal_client) -> int:
    """p1 logged in on ``client``, with their bills collected; the resident id."""
    log_in(client, "p1")
    with wallet_app.app_context():
        resident_id = resident_for_id_number(persona("p1").id_number)
        assert resident_id is not None
        sync_person(resident_id, persona("p1").id_number, fiscal_client)
    return resident_id
