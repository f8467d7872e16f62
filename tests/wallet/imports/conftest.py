"""A resident logged in to the wallet on a network with nothing issued yet (``net``, from the wallet's conftest)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.network import Network, persona
from tests.wallet.auth.flows import log_in
from wallet.extensions import db
from wallet.models import Bill, Resident


@pytest.fixture
def resident(client: FlaskClient, seeded_idp, net: Network) -> FlaskClient:
    """The wallet's test client, logged in as 乌日娜 (persona p1)."""
    log_in(client, "p1")
    return client


def stored_bills(wallet_app, persona_key: str = "p1") -> list[Bill]:
    """Every bill in the persona's wallet (none when the account does not exist)."""
    with wallet_app.app_context():
        residents = db.session.scalars(select(Resident)).all()
        owner = next((r for r in residents if r.id_number == persona(persona_key).id_number), None)
        if owner is None:
            return []
        return list(db.session.scalars(select(Bill).where(Bill.resident_id == owner.id)))


def bill_count(wallet_app) -> int:
    with wallet_app.app_context():
        return db.session.execute(select(func.count(Bill.id))).scalar_one()
