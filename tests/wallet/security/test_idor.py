"""Guessing another person's or unit's ids gets 404 and changes nothing: bills, authorizations, receipts,
notifications, claims, file claims and the API's authorization status."""

from __future__ import annotations

import re

import pytest
import requests
from sqlalchemy import func, select

from common.timeutil import utcnow
from tests.conftest import csrf_token_of
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.wallet.api.conftest import api_world  # noqa: F401  (fixture)
from tests.wallet.auth.flows import log_in
from tests.wallet.authorization.fixtures import (  # noqa: F401  (fixtures)
    auth_row,
    claimable,
    collected,
    demo_units,
    grant,
    resident_client,
    resident_id_of,
    stub_browser,
    unit_client_login,
    unit_logins,
)
from tests.wallet.imports.bills import fields_of
from wallet.extensions import db
from wallet.models import AuthorizationReceipt, Notification
from wallet.models.claim import Claim


@pytest.fixture
def insurer_claim(resident_client, wallet_app, demo_units) -> int:
    rid = resident_id_of(wallet_app)
    return grant(wallet_app, rid, demo_units["insurer"], claimable(wallet_app, rid, 1))[0]


@pytest.fixture
def other_resident(wallet_app, insurer_claim):
    """p2, logged in on a browser of their own while p1 holds an authorization to the insurer."""
    other = wallet_app.test_client()
    log_in(other, "p2", http=requests.Session())
    return other


def unit_client(wallet_app, unit_logins, key: str):
    client = wallet_app.test_client()
    unit_client_login(client, unit_logins[key])
    return client


def notice_count(wallet_app, resident_id: int, unread_only: bool = False) -> int:
    with wallet_app.app_context():
        stmt = select(func.count(Notification.id)).where(Notification.resident_id == resident_id)
        if unread_only:
            stmt = stmt.where(Notification.read_at.is_(None))
        return db.session.scalar(stmt) or 0


def test_another_residents_bill_pages_files_and_receipts_are_not_found(other_resident, insurer_claim, wallet_app):
    bill_id = auth_row(wallet_app, insurer_claim).bill_id
    with wallet_app.app_context():
        receipt_id = db.session.scalar(select(AuthorizationReceipt.id))
    for path in (
        f"/bills/{bill_id}",
        f"/bills/{bill_id}/status",
        f"/bills/{bill_id}/layout.pdf",
        f"/bills/{bill_id}/qr",
        f"/bills/{bill_id}/qr.svg",
        f"/bills/{bill_id}/authorizations",
        f"/authorizations/receipts/{receipt_id}",
        f"/authorizations/receipts/{receipt_id}.json",
    ):
        response = other_resident.get(path)
        assert response.status_code == 404, path
        assert b"%PDF" not in response.data[:8] and b"<svg" not in response.data[:200], path


def test_another_residents_authorizations_and_notifications_stay_theirs(other_resident, insurer_claim, wallet_app):
    p1 = resident_id_of(wallet_app, "p1")
    with wallet_app.app_context():
        db.session.add(
            Notification(resident_id=p1, kind="info", title="仅本人可见的通知", body="第一位居民的私事", at=utcnow())
        )
        db.session.commit()
    unread_before = notice_count(wallet_app, p1, unread_only=True)
    assert unread_before >= 1
    for path in ("/authorizations", "/authorizations/overview", "/notifications", "/notifications/list"):
        html = other_resident.get(path).get_data(as_text=True)
        assert "仅本人可见的通知" not in html and f"/authorizations/{insurer_claim}/revoke" not in html, path
    form = csrf_token_of(other_resident.get("/notifications").get_data(as_text=True))
    assert other_resident.post("/notifications/read", data={"csrf_token": form}).status_code == 303
    assert notice_count(wallet_app, p1, unread_only=True) == unread_before
    revoke = other_resident.post(f"/authorizations/{insurer_claim}/revoke", data={"csrf_token": form})
    assert revoke.status_code == 404
    assert auth_row(wallet_app, insurer_claim).state == "authorized"


@pytest.mark.parametrize(
    "path",
    [
        "/unit/claims/{id}",
        "/unit/claims/{id}/lock",
        "/unit/claims/{id}/reject",
        "/unit/claims/{id}/feedback",
        "/unit/claims/{id}/unlock",
    ],
)
def test_another_units_claim_is_not_found(insurer_claim, wallet_app, unit_logins, path):
    agency = unit_client(wallet_app, unit_logins, "agency")
    url = path.format(id=insurer_claim)
    form = csrf_token_of(agency.get("/unit/").get_data(as_text=True))
    response = (
        agency.get(url)
        if "/" not in path[len("/unit/claims/{id}") :]
        else agency.post(
            url,
            data={
                "csrf_token": form,
                "reason": "不是本单位的",
                "amount": "1.00",
                "serial": "S1",
                "voucher": "V1",
                "time": "2026-03-06T09:30",
            },
        )
    )
    assert response.status_code == 404
    assert auth_row(wallet_app, insurer_claim).state == "authorized"


def test_another_units_file_claim_is_not_found(client, network, demo_units, unit_logins, wallet_app):
    insurer = unit_client(wallet_app, unit_logins, "insurer")
    item = network.issue("p1", amount=50000)
    form = csrf_token_of(insurer.get("/unit/verify").get_data(as_text=True))
    html = insurer.post("/unit/verify/elements", data={"csrf_token": form, **fields_of(item)}).get_data(as_text=True)
    hidden = html[html.index('action="/unit/file-claims"') :]
    hidden = hidden[: hidden.index("</form>")]
    taken = insurer.post(
        "/unit/file-claims", data=dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', hidden))
    )
    claim_id = int(taken.headers["Location"].rsplit("/", 1)[1])
    with wallet_app.app_context():
        state = db.session.get(Claim, claim_id).state
    agency = unit_client(wallet_app, unit_logins, "agency")
    form = csrf_token_of(agency.get("/unit/verify").get_data(as_text=True))
    assert agency.get(f"/unit/claims/{claim_id}").status_code == 404
    for action in ("lock", "unlock", "reject", "feedback"):
        response = agency.post(
            f"/unit/claims/{claim_id}/{action}",
            data={
                "csrf_token": form,
                "reason": "不是本单位的",
                "amount": "1.00",
                "serial": "S1",
                "voucher": "V1",
                "time": "2026-03-06T09:30",
            },
        )
        assert response.status_code == 404, action
    assert insurer.get(f"/unit/claims/{claim_id}").status_code == 200
    with wallet_app.app_context():
        assert db.session.get(Claim, claim_id).state == state


def test_the_api_answers_not_found_for_another_units_authorization(system, api_world, wallet_app):
    agency = api_world.agency.client(system.url)
    for auth_id in api_world.claims:
        reply = agency.authorization(auth_id)
        assert reply.status == 404 and not reply.ok, reply
        assert reply.signed
    assert all(auth_row(wallet_app, a).state == "authorized" for a in api_world.claims)
