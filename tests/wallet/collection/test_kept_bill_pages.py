"""A bill's page kept between changes, as the list is: never stale, never another person's or
another session's, and every view still recorded."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from sqlalchemy import func, select, update

from common.timeutil import utcnow
from tests.conftest import csrf_token_of
from tests.support.statements import statements_sent
from tests.wallet.auth.flows import log_in
from tests.wallet.authorization.fixtures import claimable, demo_units, grant  # noqa: F401  (fixture)
from wallet.extensions import db
from wallet.models import AuditEntry, Claim
from wallet.presenters import bill as bill_presenter
from wallet.presenters import snapshot
from wallet.resident.list_cache import EXTENSION, ListCache
from wallet.services import activity
from wallet.services.bill_store import bump_change_seq

# The tables a made page shows from; a kept one reads none of them.
SHOWN = re.compile(r"\b(FROM|JOIN) (bills|bill_documents|claims|access_events|bill_events)\b")


def chip_of(html: str) -> str:
    match = re.search(r'data-testid="status-chip">([^<]*)<', html)
    assert match, "the page shows no status chip"
    return match.group(1)


def snapshot_of(html: str) -> str:
    match = re.search(r'data-testid="snapshot-text">([^<]*)<', html)
    assert match, "the page shows no status snapshot"
    return match.group(1)


def opened(client, bill_id: int) -> str:
    response = client.get(f"/bills/{bill_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_unchanged_page_reads_nothing_of_the_bill_and_each_view_is_recorded(client, wallet_app, rid):
    [bill_id] = claimable(wallet_app, rid, 1)
    opened(client, bill_id)  # the welcome message after login is shown once: that page is not kept
    made = opened(client, bill_id)
    with statements_sent(wallet_app) as seen:
        kept = opened(client, bill_id)
    assert kept.replace(csrf_token_of(kept), "") == made.replace(csrf_token_of(made), "")
    reads = [s for s in seen if s.upper().startswith("SELECT")]
    assert not any(SHOWN.search(s) for s in reads), reads
    assert any(s.upper().startswith("INSERT INTO AUDIT_ENTRIES") for s in seen), seen
    with wallet_app.app_context():
        views = db.session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.action == "bill.view", AuditEntry.subject == f"bill:{bill_id}"
            )
        )
    assert views == 3


def test_a_kept_page_is_the_page_made_afresh(client, wallet_app, rid, monkeypatch):
    [bill_id] = claimable(wallet_app, rid, 1)
    opened(client, bill_id)
    opened(client, bill_id)
    kept = opened(client, bill_id)
    monkeypatch.setitem(wallet_app.extensions, EXTENSION, ListCache(0))
    fresh = opened(client, bill_id)
    assert kept.replace(csrf_token_of(kept), "") == fresh.replace(csrf_token_of(fresh), "")


def test_a_change_shows_on_the_next_view(client, wallet_app, rid, demo_units):
    [bill_id] = claimable(wallet_app, rid, 1)
    opened(client, bill_id)
    assert "已授权" not in chip_of(opened(client, bill_id))
    [auth_id] = grant(wallet_app, rid, demo_units["insurer"], [bill_id])
    page = opened(client, bill_id)
    assert "已授权" in chip_of(page) and "谁看过、处理过这张票据" not in page
    with wallet_app.app_context():
        activity.record_view(db.session.get_one(Claim, auth_id))  # the unit opened it
        db.session.commit()
    assert "谁看过、处理过这张票据" in opened(client, bill_id)


def test_a_page_kept_before_its_authorization_runs_out_is_not_shown_after(client, wallet_app, rid, demo_units):
    [bill_id] = claimable(wallet_app, rid, 1)
    [auth_id] = grant(wallet_app, rid, demo_units["insurer"], [bill_id])
    with wallet_app.app_context():
        db.session.execute(update(Claim).where(Claim.id == auth_id).values(expires_at=utcnow() + timedelta(seconds=3)))
        bump_change_seq(rid)
        db.session.commit()
    opened(client, bill_id)
    assert "已授权" in chip_of(opened(client, bill_id))
    time.sleep(3.2)  # nothing changes in the database: only the clock passes the deadline
    assert "已授权" not in chip_of(opened(client, bill_id))


def test_a_snapshot_too_old_to_show_again_is_signed_afresh(client, wallet_app, rid, monkeypatch):
    # Three seconds, not one: a snapshot is signed to the whole second, so one signed late in a second
    # is already most of a second old, and a busy machine may take the rest before the next view.
    monkeypatch.setattr(snapshot, "REUSE", timedelta(seconds=3))
    monkeypatch.setattr(bill_presenter, "SNAPSHOT_REUSE", timedelta(seconds=3))
    [bill_id] = claimable(wallet_app, rid, 1)
    opened(client, bill_id)
    first = snapshot_of(opened(client, bill_id))
    assert snapshot_of(opened(client, bill_id)) == first
    time.sleep(3.2)
    assert snapshot_of(opened(client, bill_id)) != first


def test_another_persons_bill_is_not_found_though_its_page_is_kept(client, wallet_app, rid):
    [bill_id] = claimable(wallet_app, rid, 1)
    opened(client, bill_id)
    opened(client, bill_id)
    other = wallet_app.test_client()
    log_in(other, "p2")
    assert other.get(f"/bills/{bill_id}").status_code == 404


def test_each_session_gets_its_own_csrf_token_on_a_kept_page(client, wallet_app, rid):
    [bill_id] = claimable(wallet_app, rid, 1)
    other = wallet_app.test_client()
    log_in(other, "p1")
    opened(other, bill_id)
    opened(client, bill_id)
    mine = csrf_token_of(opened(client, bill_id))
    theirs = csrf_token_of(opened(other, bill_id))
    assert mine != theirs
    assert client.post("/bills/refresh", headers={"X-CSRFToken": theirs}).status_code == 400
    assert client.post("/bills/refresh", headers={"X-CSRFToken": mine}).status_code == 303


def test_every_form_on_a_kept_page_carries_this_sessions_token_and_signing_out_works(client, wallet_app, rid):
    """The 退出 form in the top bar comes from a macro, which once took the token of the session whose
    view made the page: another session of the same resident was shown it, and could not sign out."""
    [bill_id] = claimable(wallet_app, rid, 1)
    other = wallet_app.test_client()
    log_in(other, "p1")
    opened(other, bill_id)
    opened(other, bill_id)  # kept, made in the other session
    opened(client, bill_id)
    page = opened(client, bill_id)
    in_forms = set(re.findall(r'name="csrf_token" value="([^"]*)"', page))
    assert in_forms == {csrf_token_of(page)}, in_forms
    signed_out = client.post("/logout", data={"csrf_token": in_forms.pop()})
    assert signed_out.status_code in (302, 303), signed_out.status_code


def test_a_waiting_message_is_shown_once_on_a_kept_page(client, wallet_app, rid):
    [bill_id] = claimable(wallet_app, rid, 1)
    opened(client, bill_id)
    opened(client, bill_id)
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "一条等待显示的消息")]
    assert "一条等待显示的消息" in opened(client, bill_id)
    assert "一条等待显示的消息" not in opened(client, bill_id)
