"""授权流转 over time: revoke before the lock, expiry, lapsed locks, voided bills — and the resident sees each."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_of
from tests.support.tokens import plain
from tests.wallet.authorization.fixtures import (
    age,
    as_unit,
    auth_row,
    bill_row,
    claimable,
    grant,
    red_reverse_and_follow,
    resident_id_of,
    unit_client_login,
)
from wallet.extensions import db
from wallet.models import AccessEvent, Notification, SyncState
from wallet.refusals import Refusal
from wallet.services.reimbursement import Feedback, lock_claim, record_feedback, reject_claim
from wallet.worker import Worker

SEQ = re.compile(r"seq=(\d+)")


@pytest.fixture
def granted(resident_client, wallet_app, demo_units) -> list[int]:
    rid = resident_id_of(wallet_app)
    return grant(wallet_app, rid, demo_units["insurer"], claimable(wallet_app, rid, 2), claim_ref="LP-9")


def seq_now(wallet_app) -> int:
    with wallet_app.app_context():
        db.session.expire_all()
        seq = db.session.scalar(select(SyncState.change_seq))
        assert seq is not None
        return seq


def revoke(client, auth_id: int):
    token = csrf_token_of(client.get("/authorizations").get_data(as_text=True))
    return client.post(f"/authorizations/{auth_id}/revoke", data={"csrf_token": token, "back": "/authorizations"})


def notices(wallet_app) -> list[str]:
    with wallet_app.app_context():
        return list(db.session.scalars(select(Notification.kind).order_by(Notification.id)))


def test_authorized_bills_show_on_the_list_detail_and_overview(resident_client, granted, wallet_app):
    bill = auth_row(wallet_app, granted[0]).bill
    listing = resident_client.get("/").get_data(as_text=True)
    assert listing.count('<span class="chip info">已授权</span>') == 2
    detail = resident_client.get(f"/bills/{bill.id}").get_data(as_text=True)
    assert 'id="bill-authorizations"' in detail and "北疆人寿保险股份有限公司内蒙古分公司" in detail
    overview = resident_client.get("/authorizations").get_data(as_text=True)
    assert overview.count('data-testid="auth-chip">已授权，待单位处理<') == 2 and "LP-9" in overview
    assert overview.count("撤销授权") == 2


def test_revoking_before_the_lock_hides_the_bill_from_the_unit(
    resident_client, granted, wallet_app, client, unit_logins
):
    before = seq_now(wallet_app)
    response = revoke(resident_client, granted[0])
    assert response.status_code == 303 and response.headers["Location"] == "/authorizations"
    auth = auth_row(wallet_app, granted[0])
    assert (auth.state, auth.open_key) == ("revoked", None)
    assert seq_now(wallet_app) > before and notices(wallet_app)[-1] == "revoked"
    unit = client.application.test_client()
    unit_client_login(unit, unit_logins["insurer"])
    hidden = unit.get(f"/unit/claims/{granted[0]}")
    assert hidden.status_code == 404 and "已撤销或已失效" in hidden.get_data(as_text=True)
    assert f'value="{granted[0]}"' not in unit.get("/unit/").get_data(as_text=True)


def test_revoking_after_the_unit_locked_is_refused(resident_client, granted, wallet_app):
    as_unit(wallet_app, "insurer", lock_claim, granted[0])
    response = revoke(resident_client, granted[0])
    assert response.status_code == 409
    assert "已锁定该票据，不能再撤销" in response.get_data(as_text=True)
    assert auth_row(wallet_app, granted[0]).state == "locked"


def test_a_revoked_authorization_cannot_be_revoked_twice(resident_client, granted):
    revoke(resident_client, granted[0])
    again = revoke(resident_client, granted[0])
    assert again.status_code == 409 and "已撤销，无需撤销" in again.get_data(as_text=True)


def test_an_authorization_the_unit_did_nothing_with_expires_and_the_live_poll_tells(
    resident_client, granted, wallet_app
):
    age(wallet_app, granted[0], expires_at=1)
    before = seq_now(wallet_app)
    live = resident_client.get(f"/live?seq={before}")
    assert live.status_code == 200 and live.headers["HX-Trigger"] == "billsChanged"
    auth = auth_row(wallet_app, granted[0])
    assert (auth.state, auth.open_key, auth.end_reason) == ("expired", None, "授权期限内单位未处理")
    assert notices(wallet_app)[-1] == "expired"
    assert int(SEQ.search(live.get_data(as_text=True)).group(1)) > before
    assert as_unit(wallet_app, "insurer", _try(lock_claim), granted[0]) == "not_found"


def test_the_worker_expires_what_nobody_is_looking_at_and_tells_the_resident(resident_client, granted, wallet_app):
    age(wallet_app, granted[0], expires_at=1)
    before, told = seq_now(wallet_app), len(notices(wallet_app))
    worker = Worker(wallet_app)
    worker.tick()
    auth = auth_row(wallet_app, granted[0])
    assert (auth.state, auth.end_reason) == ("expired", "授权期限内单位未处理")
    assert auth_row(wallet_app, granted[1]).state == "authorized"
    # The same round may also deliver reminders (outside quiet hours), so the expiry notice is among the new ones.
    assert notices(wallet_app)[told:].count("expired") == 1 and seq_now(wallet_app) > before
    assert worker.next_sweep > 0  # the next sweep waits its interval; the one due is done
    age(wallet_app, granted[1], expires_at=1)
    worker.tick()
    assert auth_row(wallet_app, granted[1]).state == "authorized"
    worker.next_sweep = 0.0
    worker.tick()
    assert auth_row(wallet_app, granted[1]).state == "expired"


def _try(action):
    def run(user, *args):
        try:
            action(user, *args)
        except Refusal as refused:
            return refused.code
        return "done"

    return run


def test_a_lapsed_lock_is_recorded_once_and_the_resident_may_then_revoke(resident_client, granted, wallet_app):
    as_unit(wallet_app, "insurer", lock_claim, granted[0])
    age(wallet_app, granted[0], lock_expires_at=1)
    resident_client.get("/live?seq=0")
    resident_client.get("/live?seq=0")
    with wallet_app.app_context():
        kinds = db.session.scalars(select(AccessEvent.kind).where(AccessEvent.claim_id == granted[0])).all()
    assert kinds.count("lock_lapsed") == 1 and notices(wallet_app).count("lock_lapsed") == 1
    overview = resident_client.get("/authorizations").get_data(as_text=True)
    assert 'data-testid="auth-chip">锁定已过期<' in overview
    assert revoke(resident_client, granted[0]).status_code == 303


def test_red_reversal_of_an_authorized_bill_voids_the_authorization(
    resident_client, granted, wallet_app, network, fiscal_client
):
    bill = auth_row(wallet_app, granted[0]).bill
    red_reverse_and_follow(network, fiscal_client, wallet_app, resident_client, bill)
    auth = auth_row(wallet_app, granted[0])
    assert (auth.state, auth.end_reason) == ("expired", "票据已冲红作废")
    assert bill_row(wallet_app, bill.id).issuance == "red_reversed"


def test_each_unit_step_reaches_the_live_channel_notifications_and_access_history(resident_client, granted, wallet_app):
    first, second = granted
    steps = [
        (lambda: as_unit(wallet_app, "insurer", lock_claim, first), "locked"),
        (
            lambda: as_unit(
                wallet_app,
                "insurer",
                record_feedback,
                first,
                Feedback(1000, "S-1", "V-1", auth_row(wallet_app, first).created_at),
            ),
            "reimbursed",
        ),
        (lambda: as_unit(wallet_app, "insurer", reject_claim, second, "材料不全"), "rejected"),
    ]
    for act, kind in steps:
        seq = seq_now(wallet_app)
        assert resident_client.get(f"/live?seq={seq}").status_code == 204
        act()
        changed = resident_client.get(f"/live?seq={seq}")
        assert changed.status_code == 200 and changed.headers["HX-Trigger"] == "billsChanged", kind
        assert notices(wallet_app)[-1] == kind
    badge = resident_client.get("/notifications/badge").get_data(as_text=True)
    assert 'data-testid="unread-count">4<' in badge
    history = plain(resident_client.get("/access-history").get_data(as_text=True))
    assert "锁定" in history and "报销 <strong>¥10.00</strong>" in history and "拒绝报销" in history
    token = csrf_token_of(resident_client.get("/notifications").get_data(as_text=True))
    assert resident_client.post("/notifications/read", data={"csrf_token": token}).status_code == 303
    assert "unread-count" not in resident_client.get("/notifications/badge").get_data(as_text=True)
    overview = resident_client.get("/authorizations/overview").get_data(as_text=True)
    assert 'data-testid="auth-chip">已报销 ¥10.00<' in overview and "拒绝原因：材料不全" in overview
