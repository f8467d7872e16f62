"""A share link end to end over the running system: made by the resident, opened by a stranger, ended
every way it can end, and never leaking its token into the database, the logs or the audit trail."""

from __future__ import annotations

import logging
import runpy
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from common.timeutil import utcnow
from tests.conftest import csrf_token_of
from tests.wallet.authorization.fixtures import collect
from tests.wallet.imports.bills import red_reverse
from tests.wallet.share.fixtures import link_row, make_link, stranger
from wallet.extensions import db
from wallet.models import AccessEvent, AuditEntry, Bill, ShareLink
from wallet.public import shared as shared_views

ROOT = Path(__file__).resolve().parents[3]


def bill_row(app, bill_id: int) -> Bill:
    with app.app_context():
        row = db.session.get_one(Bill, bill_id)
        db.session.expunge(row)
        return row


def test_a_stranger_sees_the_shared_bills_masked_and_the_opening_reaches_the_access_history(sharer, bills, wallet_app):
    made = make_link(sharer, bills[:1])
    shown = bill_row(wallet_app, bills[0])
    office = stranger(wallet_app)
    page = office.get(f"/shared?t={made.token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert page.headers["X-Robots-Tag"].startswith("noindex") and page.headers["Cache-Control"] == "no-store"
    assert '<meta name="robots" content="noindex' in html and '<meta name="referrer" content="no-referrer">' in html
    assert shown.number in html and "¥256.30" in html and "票据真实有效" in html
    assert "仅供保险理赔使用" in html and 'class="watermark"' in html
    assert "乌日娜" not in html and "乌*娜" in html
    other = bill_row(wallet_app, bills[1])
    assert other.number not in html, "a bill that was not shared must not show"
    assert "退出登录" not in html and "tabbar" not in html

    office.get(f"/shared?t={made.token}")  # the same visitor again within the hour: one opening
    with wallet_app.app_context():
        events = db.session.scalars(select(AccessEvent).where(AccessEvent.share_link_id == made.link_id)).all()
        assert [(e.kind, e.bill_id, e.unit_id, e.detail) for e in events] == [
            ("share_opened", bills[0], None, "保险理赔")
        ]
    assert link_row(wallet_app, made.link_id).opened_count == 1
    history = sharer.get("/access-history").get_data(as_text=True)
    assert "分享链接" in history and "被打开查看" in history and "用途：保险理赔" in history
    detail = sharer.get(f"/bills/{bills[0]}").get_data(as_text=True)
    assert "分享链接（保险理赔）" in detail


def test_the_layout_file_downloads_through_the_link_and_is_recorded(sharer, bills, wallet_app):
    made = make_link(sharer, bills)
    office = stranger(wallet_app)
    pdf = office.get(f"/shared/layout.pdf?t={made.token}&n=2")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
    assert bill_row(wallet_app, bills[1]).number in pdf.headers["Content-Disposition"]
    assert office.get(f"/shared/layout.pdf?t={made.token}&n=3").status_code == 404
    with wallet_app.app_context():
        kinds = db.session.scalars(select(AccessEvent.kind).where(AccessEvent.share_link_id == made.link_id)).all()
    assert kinds == ["share_download"]


def test_only_the_hash_is_kept_and_the_token_reaches_no_log_and_no_audit_entry(sharer, bills, wallet_app, caplog):
    caplog.set_level(logging.DEBUG)
    made = make_link(sharer, bills[:1])
    assert stranger(wallet_app).get(f"/shared?t={made.token}").status_code == 200
    assert made.token not in caplog.text
    with wallet_app.app_context():
        row = db.session.get_one(ShareLink, made.link_id)
        assert made.token not in {row.token_hash, row.purpose, row.code_hash}
        details = [str(entry.detail) + entry.subject for entry in db.session.scalars(select(AuditEntry))]
        assert any("share_link:" in d for d in details) and not any(made.token in d for d in details)
    access_log = str(runpy.run_path(str(ROOT / "gunicorn.conf.py"))["access_log_format"])
    assert "%(U)s" in access_log and not any(part in access_log for part in ("%(r)s", "%(q)s", "%(f)s", "}i"))


@pytest.mark.parametrize("token", ["nonsense", "A" * 32])
def test_a_link_that_never_existed_is_a_clear_404(wallet_app, system, token):
    page = stranger(wallet_app).get(f"/shared?t={token}")
    assert page.status_code == 404 and "链接无效" in page.get_data(as_text=True)
    assert page.headers["X-Robots-Tag"].startswith("noindex")


def test_revoking_ends_the_link_at_once(sharer, bills, wallet_app):
    made = make_link(sharer, bills[:1])
    office = stranger(wallet_app)
    assert office.get(f"/shared?t={made.token}").status_code == 200
    token = csrf_token_of(sharer.get(f"/shares/{made.link_id}").get_data(as_text=True))
    revoked = sharer.post(f"/shares/{made.link_id}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 303
    gone = office.get(f"/shared?t={made.token}")
    assert gone.status_code == 410 and "链接已被撤销" in gone.get_data(as_text=True)
    assert office.get(f"/shared/layout.pdf?t={made.token}&n=1").status_code == 410
    again = sharer.post(f"/shares/{made.link_id}/revoke", data={"csrf_token": token})
    assert again.status_code == 303 and "已经撤销过了" in sharer.get(again.headers["Location"]).get_data(as_text=True)
    listed = sharer.get("/shares").get_data(as_text=True)
    assert "已撤销" in listed


def test_the_link_expires_by_the_clock(sharer, bills, wallet_app, monkeypatch):
    made = make_link(sharer, bills[:1], days="3")
    office = stranger(wallet_app)
    later = utcnow() + timedelta(days=3, seconds=1)
    monkeypatch.setattr(shared_views, "utcnow", lambda: later)
    gone = office.get(f"/shared?t={made.token}")
    assert gone.status_code == 410 and "链接已过期" in gone.get_data(as_text=True)
    monkeypatch.setattr(shared_views, "utcnow", lambda: later - timedelta(seconds=2))
    assert office.get(f"/shared?t={made.token}").status_code == 200


def test_a_red_reversal_the_wallet_has_mirrored_kills_the_link(sharer, bills, wallet_app, net, fiscal_client):
    made = make_link(sharer, bills)
    shown = bill_row(wallet_app, bills[1])
    red_reverse(net, {"code": shown.code, "number": shown.number})
    collect(wallet_app, fiscal_client, "p1")
    assert bill_row(wallet_app, bills[1]).issuance == "red_reversed"
    listed = sharer.get("/shares").get_data(as_text=True)
    assert "已失效" in listed, "the resident's list finds the death too"
    gone = stranger(wallet_app).get(f"/shared?t={made.token}")
    assert gone.status_code == 410 and "冲红" in gone.get_data(as_text=True)
    assert link_row(wallet_app, made.link_id).dead_reason == "red_reversed"


def test_a_red_reversal_the_mirror_has_not_heard_of_is_seen_in_the_networks_answer(sharer, bills, wallet_app, net):
    made = make_link(sharer, bills[:1])
    shown = bill_row(wallet_app, bills[0])
    red_reverse(net, {"code": shown.code, "number": shown.number})
    assert bill_row(wallet_app, bills[0]).issuance == "normal"
    gone = stranger(wallet_app).get(f"/shared?t={made.token}")
    assert gone.status_code == 410 and "冲红" in gone.get_data(as_text=True)


def test_a_lock_by_a_unit_in_the_mirror_kills_the_link_for_good(sharer, bills, wallet_app):
    made = make_link(sharer, bills[:1])
    until = (utcnow() + timedelta(days=1)).isoformat()
    locked = f'{{"lock_expires_at": "{until}", "locked_by": {{"unit_name": "北疆人寿"}}}}'
    with wallet_app.app_context():
        db.session.execute(update(Bill).where(Bill.id == bills[0]).values(reimbursement="locked", status_json=locked))
        db.session.commit()
    office = stranger(wallet_app)
    gone = office.get(f"/shared?t={made.token}")
    assert gone.status_code == 410 and "锁定报销" in gone.get_data(as_text=True)
    with wallet_app.app_context():  # the unit lets go again: the link stays dead
        released = {"reimbursement": "unreimbursed", "status_json": "{}"}
        db.session.execute(update(Bill).where(Bill.id == bills[0]).values(**released))
        db.session.commit()
    assert office.get(f"/shared?t={made.token}").status_code == 410
    assert link_row(wallet_app, made.link_id).dead_reason == "locked"


def test_a_lock_at_the_network_kills_the_link_on_opening(sharer, bills, wallet_app, net):
    made = make_link(sharer, bills[:1])
    shown = bill_row(wallet_app, bills[0])
    lock = {"unit_code": "91150100MA0N12340B", "unit_name": "测试保险公司"}
    assert net.platform("POST", f"/bills/{shown.code}/{shown.number}/lock", json=lock).status_code == 200
    gone = stranger(wallet_app).get(f"/shared?t={made.token}")
    assert gone.status_code == 410 and "锁定报销" in gone.get_data(as_text=True)


def test_what_a_resident_may_not_share_is_refused_and_nothing_is_made(sharer, bills, wallet_app):
    form = {"csrf_token": csrf_token_of(sharer.get("/shares/new").get_data(as_text=True)), "purpose": "insurance"}
    assert sharer.post("/shares", data={**form, "days": "31", "bill": str(bills[0])}).status_code == 400
    assert sharer.post("/shares", data={**form, "days": "7"}).status_code == 400
    assert sharer.post("/shares", data={**form, "days": "7", "bill": "999999"}).status_code == 404
    with wallet_app.app_context():
        db.session.execute(update(Bill).where(Bill.id == bills[0]).values(issuance="red_reversed"))
        db.session.commit()
    refused = sharer.post("/shares", data={**form, "days": "7", "bill": [str(bills[1]), str(bills[0])]})
    assert refused.status_code == 409 and "冲红作废，不能分享" in refused.get_data(as_text=True)
    with wallet_app.app_context():
        assert db.session.scalars(select(ShareLink)).all() == []


def test_another_residents_link_page_is_not_found(sharer, bills, wallet_app, client):
    made = make_link(sharer, bills[:1])
    assert stranger(wallet_app).get(f"/shares/{made.link_id}").status_code in (302, 401)
    assert sharer.get(f"/shares/{made.link_id + 1}").status_code == 404


def test_opening_is_rate_limited_per_client(sharer, bills, wallet_app, monkeypatch):
    made = make_link(sharer, bills[:1])
    monkeypatch.setitem(wallet_app.config, "SHARE_OPEN_RATE_LIMIT", "2 per minute")
    office = stranger(wallet_app)
    assert [office.get(f"/shared?t={made.token}").status_code for _ in range(3)] == [200, 200, 429]
