"""A unit wired up for the integration API: credentials, its JWK Set, bills authorized to it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from clients.reference_client import WalletApiClient, new_unit_keys
from common.timeutil import utcnow
from tests.support.network import persona
from wallet.demo import demo_unit, seed_demo_units
from wallet.extensions import db
from wallet.models import Bill, Claim, Resident, UnitUser
from wallet.services import wallet_api_keys
from wallet.services.api_credentials import issue_app_key, register_unit_keys
from wallet.services.authorizations import Confirmation, authorize_bills
from wallet.services.sync import sync_person


@dataclass(frozen=True)
class UnitAccess:
    """What a unit's system holds: appId, appKey and its private JWK Set (a signing and a receiving key)."""

    unit_id: int
    user_id: int
    app_id: str
    app_key: str
    private_jwks: str

    def client(self, url: str) -> WalletApiClient:
        return WalletApiClient(url, self.app_id, self.app_key, self.private_jwks)


@dataclass(frozen=True)
class ApiWorld:
    insurer: UnitAccess
    agency: UnitAccess
    claims: list[int]


def connect_unit(username: str) -> UnitAccess:
    user = db.session.scalars(select(UnitUser).where(UnitUser.username == username)).one()
    issued = issue_app_key(user)
    private_jwks, public_jwks = new_unit_keys()
    register_unit_keys(user, public_jwks)
    return UnitAccess(user.unit_id, user.id, issued.app_id, issued.app_key, private_jwks)


def reimbursable_bills(resident_id: int, count: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Bill.id)
            .where(
                Bill.resident_id == resident_id,
                Bill.issuance == "normal",
                Bill.reimbursement == "unreimbursed",
                Bill.total > 0,
            )
            .order_by(Bill.total.desc(), Bill.id)
            .limit(count)
        )
    )


def authorize(resident_id: int, unit_id: int, bill_ids: list[int]) -> None:
    resident = db.session.get_one(Resident, resident_id)
    authorize_bills(
        resident,
        unit_id,
        bill_ids,
        "CLM-2026-001",
        "住院报销",
        uuid.uuid4().hex,
        Confirmation("urn:mengsuban:loa:3", utcnow()),
    )


@pytest.fixture
def api_world(wallet_app, network, resident_id, fiscal_client) -> ApiWorld:
    with wallet_app.app_context():
        sync_person(resident_id, persona("p1").id_number, fiscal_client)
        seed_demo_units()
        insurer = connect_unit(demo_unit("insurer").username)
        agency = connect_unit(demo_unit("agency").username)
        bill_ids = reimbursable_bills(resident_id, 3)
        authorize(resident_id, insurer.unit_id, bill_ids)
        claims = list(db.session.scalars(select(Claim.id).where(Claim.unit_id == insurer.unit_id).order_by(Claim.id)))
    return ApiWorld(insurer, agency, claims)


@pytest.fixture
def forget_rotated_keys(wallet_app):
    """The live server outlives the test's database: let it not keep serving keys rotated in a test."""
    yield
    wallet_app.extensions.pop(wallet_api_keys.CACHE, None)


@pytest.fixture
def api(system, api_world) -> WalletApiClient:
    """The insurer's business system, talking to the live wallet through the reference client."""
    return api_world.insurer.client(system.url)
