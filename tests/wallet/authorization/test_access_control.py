"""Nobody reaches what is not theirs: units see only what was authorized to them, residents only their own
bills, and a frozen unit can do nothing — not even in a session it already had."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import func, select

from tests.conftest import csrf_token_of
from tests.wallet.auth.flows import back_from_stub, log_in
from tests.wallet.authorization.fixtures import auth_row, claimable, grant, resident_id_of, unit_client_login
from wallet.extensions import db
from wallet.models import AuthorizationReceipt, Claim
from wallet.services.unit_accounts import decide


@pytest.fixture
def insurer_claim(resident_client, wallet_app, demo_units) -> int:
    rid = resident_id_of(wallet_app)
    return grant(wallet_app, rid, demo_units["insurer"], claimable(wallet_app, rid, 1))[0]


@pytest.fixture
def agency(wallet_app, unit_logins, demo_units):
    client = wallet_app.test_client()
    unit_client_login(client, unit_logins["agency"])
    return client


def token(client, path: str = "/unit/") -> str:
    return csrf_token_of(client.get(path).get_data(as_text=True))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/unit/claims/{id}"),
        ("POST", "/unit/claims/{id}/lock"),
        ("POST", "/unit/claims/{id}/feedback"),
        ("POST", "/unit/claims/{id}/reject"),
        ("GET", "/unit/claims/{id}9"),
    ],
)
def test_a_unit_gets_404_for_a_claim_authorized_to_another_unit(agency, insurer_claim, wallet_app, method, path):
    url = path.format(id=insurer_claim)
    data = {
        "csrf_token": token(agency),
        "amount": "1.00",
        "serial": "S1",
        "voucher": "V1",
        "time": "2026-03-06T09:30",
        "reason": "不属于本单位",
    }
    response = agency.get(url) if method == "GET" else agency.post(url, data=data)
    assert response.status_code == 404
    assert auth_row(wallet_app, insurer_claim).state == "authorized"


def test_another_units_claims_are_absent_from_inbox_bulk_actions_and_export(agency, insurer_claim, wallet_app):
    assert f'value="{insurer_claim}"' not in agency.get("/unit/?status=all").get_data(as_text=True)
    bulk = agency.post(
        "/unit/claims/bulk", data={"csrf_token": token(agency), "action": "lock", "claim": str(insurer_claim)}
    )
    assert bulk.status_code == 303
    assert "没有找到该授权" in agency.get("/unit/").get_data(as_text=True)
    assert auth_row(wallet_app, insurer_claim).state == "authorized"
    assert agency.get("/unit/export.csv").get_data().decode("utf-8-sig").count("\n") == 1


def test_a_unit_user_cannot_open_resident_pages(agency, insurer_claim, wallet_app):
    bill_id = auth_row(wallet_app, insurer_claim).bill_id
    for path in ("/", f"/bills/{bill_id}", "/authorizations", "/live?seq=0", "/account"):
        response = agency.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/unit/", path


def test_a_resident_cannot_reach_another_persons_bills_or_authorizations(
    resident_client, insurer_claim, wallet_app, demo_units
):
    auth = auth_row(wallet_app, insurer_claim)
    with wallet_app.app_context():
        receipt_id = db.session.scalar(select(AuthorizationReceipt.id))
    other = wallet_app.test_client()
    log_in(other, "p2", http=requests.Session())
    for path in (
        f"/bills/{auth.bill_id}",
        f"/bills/{auth.bill_id}/authorizations",
        f"/authorizations/receipts/{receipt_id}",
        f"/authorizations/receipts/{receipt_id}.json",
        f"/authorize/{demo_units['agency']}/preview?bill={auth.bill_id}",
    ):
        assert other.get(path).status_code == 404, path
    revoke = other.post(f"/authorizations/{insurer_claim}/revoke", data={"csrf_token": token(other, "/authorizations")})
    assert revoke.status_code == 404
    assert auth_row(wallet_app, insurer_claim).state == "authorized"


def test_a_resident_cannot_confirm_an_authorization_of_someone_elses_bill(
    resident_client, insurer_claim, wallet_app, demo_units, stub_browser
):
    bill_id = auth_row(wallet_app, insurer_claim).bill_id
    other = wallet_app.test_client()
    browser = requests.Session()
    log_in(other, "p2", http=browser)
    back_from_stub(other, "/auth/step-up?next=/authorizations", http=browser, persona="p2")
    response = other.post(
        f"/authorize/{demo_units['agency']}/confirm",
        data={"csrf_token": token(other, "/authorizations"), "request_id": "x" * 24, "bill": str(bill_id)},
    )
    assert response.status_code == 404 and "请选择您自己的票据" in response.get_data(as_text=True)
    with wallet_app.app_context():
        assert db.session.scalar(select(func.count(Claim.id))) == 1


def test_a_frozen_unit_can_do_nothing_even_in_an_open_session(
    client, insurer_claim, wallet_app, demo_units, unit_logins, resident_client
):
    insurer = wallet_app.test_client()
    unit_client_login(insurer, unit_logins["insurer"])
    form = token(insurer)
    with wallet_app.app_context():
        decide(demo_units["insurer"], "freeze", "涉嫌违规报销，待核查")
    locked = insurer.post(f"/unit/claims/{insurer_claim}/lock", data={"csrf_token": form})
    assert locked.status_code == 403 and "单位账户已冻结" in locked.get_data(as_text=True)
    assert auth_row(wallet_app, insurer_claim).state == "authorized"
    assert insurer.get("/unit/").status_code == 302, "the session ended"
    page = insurer.get("/unit/login").get_data(as_text=True)
    again = insurer.post(
        "/unit/login",
        data={"csrf_token": csrf_token_of(page), "username": "insurer", "password": unit_logins["insurer"].password},
    )
    assert again.status_code == 403 and "已冻结" in again.get_data(as_text=True)
    picked = resident_client.get(f"/authorize/{demo_units['insurer']}")
    assert picked.status_code == 404 and "不能接收授权" in picked.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/unit/claims/99999999999999999999", "/unit/claims/0", "/unit/claims/-1"])
def test_impossible_claim_ids_are_simply_not_found(agency, path):
    assert agency.get(path).status_code == 404


def test_impossible_bill_ids_in_forms_change_nothing(resident_client, demo_units):
    preview = resident_client.get(f"/authorize/{demo_units['insurer']}/preview?bill=99999999999999999999&bill=x")
    assert preview.status_code == 400 and "请至少选择一张票据" in preview.get_data(as_text=True)
    assert resident_client.get("/authorize/99999999999999999999").status_code == 404
