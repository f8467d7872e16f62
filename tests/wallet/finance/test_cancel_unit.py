"""Cancelling a unit asks first with the consequences counted, releases every open unlocked
authorization at once and tells each resident; locked ones keep their lock until it lapses.
Freezing asks first too, saying what it does."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import csrf_token_of
from tests.wallet.authorization.fixtures import age, as_unit, claimable, grant, resident_id_of
from tests.wallet.finance.test_console import admin, state_of  # noqa: F401  (fixture)
from wallet.extensions import db
from wallet.models import AccessEvent, Claim, Notification
from wallet.services.authorizations import sweep
from wallet.services.reimbursement import lock_claim


def post_decision(admin, unit_id: int, action: str, **extra: str):
    page = admin.get("/finance/").get_data(as_text=True)
    return admin.post(f"/finance/units/{unit_id}/{action}", data={"csrf_token": csrf_token_of(page), **extra})


def states(wallet_app, ids: list[int]) -> list[tuple[str, str]]:
    with wallet_app.app_context():
        db.session.expire_all()
        return [
            (a.state, a.end_reason)
            for a in db.session.scalars(select(Claim).where(Claim.id.in_(ids)).order_by(Claim.id))
        ]


def kinds(wallet_app, model, column) -> list[str]:
    with wallet_app.app_context():
        return list(db.session.scalars(select(column).order_by(model.id)))


def test_cancelling_asks_with_the_consequences_then_releases_and_tells(admin, resident_client, wallet_app, demo_units):
    rid = resident_id_of(wallet_app)
    insurer = demo_units["insurer"]
    first, second, third = claimable(wallet_app, rid, 3)
    open_ids = grant(wallet_app, rid, insurer, [first, second])
    locked_id = grant(wallet_app, rid, insurer, [third])[0]
    as_unit(wallet_app, "insurer", lock_claim, locked_id)

    home = admin.get("/finance/").get_data(as_text=True)
    assert f'href="/finance/units/{insurer}/cancel/confirm"' in home
    assert f'action="/finance/units/{insurer}/cancel"' not in home, "no one-tap cancel on the list"
    one_tap = post_decision(admin, insurer, "cancel", note="单位已撤销")
    assert one_tap.status_code == 303 and one_tap.headers["Location"] == f"/finance/units/{insurer}/cancel/confirm"
    assert state_of(wallet_app, insurer) == "active"

    page = admin.get(f"/finance/units/{insurer}/cancel/confirm").get_data(as_text=True)
    assert "2 笔待处理授权将被撤回" in page and "涉及 1 位居民" in page and "1 笔已锁定的报销保留锁定" in page
    assert 'name="confirmed" value="yes"' in page
    done = admin.post(
        f"/finance/units/{insurer}/cancel",
        data={"csrf_token": csrf_token_of(page), "confirmed": "yes", "note": "单位已撤销"},
    )
    assert done.status_code == 303 and state_of(wallet_app, insurer) == "cancelled"

    assert states(wallet_app, open_ids) == [("expired", "单位账户已注销")] * 2
    assert states(wallet_app, [locked_id]) == [("locked", "")]
    assert kinds(wallet_app, Notification, Notification.kind)[-3:].count("withdrawn") == 2
    assert "unit_cancelled" in kinds(wallet_app, Notification, Notification.kind)
    assert kinds(wallet_app, AccessEvent, AccessEvent.kind).count("withdrawn") == 2
    overview = resident_client.get("/authorizations").get_data(as_text=True)
    assert overview.count('data-testid="auth-chip">已撤回<') == 2 and "待单位处理" not in overview.split("已锁定")[0]
    notices = resident_client.get("/notifications").get_data(as_text=True)
    assert "授权已自动撤回" in notices and "锁定到期" in notices
    assert "单位账户注销，授权已撤回" in resident_client.get("/access-history").get_data(as_text=True)

    age(wallet_app, locked_id, lock_expires_at=1)
    with wallet_app.app_context():
        sweep()
    assert states(wallet_app, [locked_id]) == [("expired", "单位账户已注销")]


def test_freezing_asks_first_and_says_what_it_does(admin, resident_client, wallet_app, demo_units):
    agency = demo_units["agency"]
    one_tap = post_decision(admin, agency, "freeze", note="配合核查")
    assert one_tap.status_code == 303 and state_of(wallet_app, agency) == "active"
    page = admin.get(one_tap.headers["Location"]).get_data(as_text=True)
    assert "冻结期间" in page and "不能进行任何操作" in page and "可以随时解除冻结" in page
    missing_note = admin.post(
        f"/finance/units/{agency}/freeze", data={"csrf_token": csrf_token_of(page), "confirmed": "yes", "note": ""}
    )
    assert missing_note.headers["Location"] == f"/finance/units/{agency}/freeze/confirm"
    assert state_of(wallet_app, agency) == "active"
    done = admin.post(
        f"/finance/units/{agency}/freeze",
        data={"csrf_token": csrf_token_of(page), "confirmed": "yes", "note": "配合核查"},
    )
    assert done.status_code == 303 and state_of(wallet_app, agency) == "frozen"
    assert admin.get(f"/finance/units/{agency}/freeze/confirm").status_code == 409
