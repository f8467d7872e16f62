"""A resident with bills to share (``sharer`` logged in as 乌日娜, ``bills`` two of hers in the wallet)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.wallet.auth.flows import log_in
from tests.wallet.authorization.fixtures import collect
from wallet.extensions import db
from wallet.models import Bill


@pytest.fixture
def sharer(client: FlaskClient, seeded_idp, net) -> FlaskClient:
    """The wallet's test client logged in as 乌日娜 (p1)."""
    log_in(client, "p1")
    return client


@pytest.fixture
def bills(sharer, net, wallet_app, fiscal_client) -> list[int]:
    """Two ordinary bills of p1's, collected into the wallet: ids, oldest issue first."""
    net.issue("p1", amount=25630)
    net.issue("p1", amount=8800)
    rid = collect(wallet_app, fiscal_client, "p1")
    with wallet_app.app_context():
        return list(db.session.scalars(select(Bill.id).where(Bill.resident_id == rid).order_by(Bill.id)))
