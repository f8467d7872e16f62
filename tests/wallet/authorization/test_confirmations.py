"""One deliberate press confirms an authorization (face verification in between needs no second
press, and stays safe); revoking asks first; a refusal says what happened and offers the way back."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_of
from tests.wallet.auth.flows import back_from_stub
from tests.wallet.authorization.fixtures import as_unit, claimable, grant, resident_id_of
from wallet.extensions import db
from wallet.models import Claim
from wallet.services.reimbursement import lock_claim

RECEIPT = re.compile(r"^/authorizations/receipts/\d+$")


def press_confirm(client, wallet_app, unit_id: int, bills: list[int]):
    query = "&".join(f"bill={b}" for b in bills)
    page = client.get(f"/authorize/{unit_id}/preview?{query}").get_data(as_text=True)
    assert "无需再次确认" in page and "请再点一次确认" not in page
    request_id = re.search(r'name="request_id" value="([^"]+)"', page)
    assert request_id, page
    return client.post(
        f"/authorize/{unit_id}/confirm",
        data={"csrf_token": csrf_token_of(page), "request_id": request_id.group(1), "bill": [str(b) for b in bills]},
    )


def authorization_count(wallet_app) -> int:
    with wallet_app.app_context():
        return db.session.execute(select(func.count(Claim.id))).scalar_one()


def test_the_face_check_returns_with_the_authorization_made(resident_client, wallet_app, demo_units, stub_browser):
    bills = claimable(wallet_app, resident_id_of(wallet_app), 1)
    asked = press_confirm(resident_client, wallet_app, demo_units["insurer"], bills)
    assert asked.status_code == 303 and authorization_count(wallet_app) == 0
    back = back_from_stub(resident_client, asked.headers["Location"], http=stub_browser)
    done = resident_client.get(back.headers["Location"])
    assert done.status_code == 303 and RECEIPT.match(done.headers["Location"])
    assert authorization_count(wallet_app) == 1
    again = resident_client.get(back.headers["Location"])
    assert again.status_code == 303 and again.headers["Location"] == "/authorize", "the return is single-use"
    assert authorization_count(wallet_app) == 1


def test_the_return_without_a_face_check_authorizes_nothing(resident_client, wallet_app, demo_units):
    bills = claimable(wallet_app, resident_id_of(wallet_app), 1)
    asked = press_confirm(resident_client, wallet_app, demo_units["insurer"], bills)
    nonce_path = asked.headers["Location"].split("next=")[1]
    refused = resident_client.get(nonce_path)
    assert refused.status_code == 303 and "/preview?" in refused.headers["Location"]
    assert authorization_count(wallet_app) == 0
    assert "人脸核验没有完成" in resident_client.get(refused.headers["Location"]).get_data(as_text=True)


def test_a_pending_confirmation_expires_and_belongs_to_its_session(
    resident_client, wallet_app, demo_units, stub_browser, client
):
    bills = claimable(wallet_app, resident_id_of(wallet_app), 1)
    asked = press_confirm(resident_client, wallet_app, demo_units["insurer"], bills)
    nonce_path = asked.headers["Location"].split("next=")[1]
    with resident_client.session_transaction() as session:
        session["pending_authorization"] = {**session["pending_authorization"], "at": int(time.time()) - 3600}
    back = back_from_stub(resident_client, asked.headers["Location"], http=stub_browser)
    assert resident_client.get(back.headers["Location"]).headers["Location"] == "/authorize"
    assert authorization_count(wallet_app) == 0
    assert resident_client.get(nonce_path.replace(nonce_path.rsplit("/", 1)[1], "forged-nonce")).status_code == 303
    assert authorization_count(wallet_app) == 0


def test_revoking_asks_first_on_a_page_of_its_own(resident_client, wallet_app, demo_units):
    rid = resident_id_of(wallet_app)
    auth_id = grant(wallet_app, rid, demo_units["insurer"], claimable(wallet_app, rid, 1))[0]
    overview = resident_client.get("/authorizations").get_data(as_text=True)
    assert f'href="/authorizations/{auth_id}/revoke?back=/authorizations"' in overview
    assert f'action="/authorizations/{auth_id}/revoke"' not in overview, "no one-tap revoke on the list"
    page = resident_client.get(f"/authorizations/{auth_id}/revoke?back=/authorizations").get_data(as_text=True)
    assert "撤销授权？" in page and "北疆人寿" in page and "不能再查看或报销" in page
    assert f'<form method="post" action="/authorizations/{auth_id}/revoke">' in page
    done = resident_client.post(
        f"/authorizations/{auth_id}/revoke", data={"csrf_token": csrf_token_of(page), "back": "/authorizations"}
    )
    assert done.status_code == 303 and done.headers["Location"] == "/authorizations"


@pytest.mark.parametrize("how", ["get", "post"])
def test_revoking_a_locked_bill_from_a_stale_tab_says_why_and_offers_the_way_back(
    resident_client, wallet_app, demo_units, how
):
    rid = resident_id_of(wallet_app)
    auth_id = grant(wallet_app, rid, demo_units["insurer"], claimable(wallet_app, rid, 1))[0]
    page = resident_client.get(f"/authorizations/{auth_id}/revoke").get_data(as_text=True)
    as_unit(wallet_app, "insurer", lock_claim, auth_id)
    if how == "get":
        response = resident_client.get(f"/authorizations/{auth_id}/revoke")
    else:
        response = resident_client.post(f"/authorizations/{auth_id}/revoke", data={"csrf_token": csrf_token_of(page)})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "无法撤销授权" in html and "已锁定该票据" in html and "操作冲突" not in html
    with wallet_app.app_context():
        bill_id = db.session.get(Claim, auth_id).bill_id
    assert f'href="/bills/{bill_id}">查看这张票据</a>' in html and 'href="/authorizations">返回授权列表</a>' in html


def test_refusal_pages_never_leave_the_person_without_a_way_back(resident_client, wallet_app):
    missing = resident_client.get("/authorizations/receipts/999999")
    html = missing.get_data(as_text=True)
    assert missing.status_code == 404 and 'href="/authorizations">返回授权列表</a>' in html
    unknown = resident_client.get("/authorizations/999999/revoke").get_data(as_text=True)
    assert "没有找到这条授权" in unknown and 'href="/authorizations">返回授权列表</a>' in unknown
    assert 'href="/">返回首页</a>' in resident_client.get("/no-such-page").get_data(as_text=True)
