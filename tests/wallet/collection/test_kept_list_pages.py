"""The list pages a process keeps between changes: never stale, never another session's."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from common.timeutil import utcnow
from tests.conftest import csrf_token_of
from tests.support.statements import statements_sent
from tests.wallet.auth.flows import log_in
from tests.wallet.authorization.fixtures import claimable, demo_units, grant  # noqa: F401  (fixture)
from wallet.extensions import db
from wallet.identity import seal
from wallet.models import Bill, Claim, Resident, SyncState
from wallet.models.resident import NAME_PURPOSE
from wallet.resident.bills import REFRESH_MOST
from wallet.resident.list_cache import EXTENSION, ListCache
from wallet.services import activity
from wallet.services.bill_store import bump_change_seq, summary_kept_up


def card_of(html: str, bill_id: int) -> str:
    match = re.search(rf'href="/bills/{bill_id}".*?</li>', html, re.S)
    assert match, f"bill {bill_id} is not on the page"
    return match.group(0)


def newest_bill(wallet_app, resident_id: int) -> int:
    with wallet_app.app_context():
        newest = db.session.scalar(
            select(Bill.id)
            .where(Bill.resident_id == resident_id)
            .order_by(Bill.issued_at.desc(), Bill.id.desc())
            .limit(1)
        )
        assert newest is not None
        return newest


def test_a_change_shows_on_the_next_view(client, wallet_app, rid):
    bill_id = newest_bill(wallet_app, rid)
    assert "已报销" not in card_of(client.get("/").get_data(as_text=True), bill_id)
    with wallet_app.app_context():
        with summary_kept_up({rid}, Bill.id == bill_id):
            db.session.execute(update(Bill).where(Bill.id == bill_id).values(reimbursement="reimbursed"))
        bump_change_seq(rid)
        db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "已报销" in card_of(html, bill_id)
    with wallet_app.app_context():
        done = db.session.scalar(
            select(db.func.count(Bill.id)).where(Bill.resident_id == rid, Bill.reimbursement == "reimbursed")
        )
    assert f"共 <strong>{done}</strong> 张" in client.get("/?status=reimbursed").get_data(as_text=True)


def test_a_page_kept_before_an_authorization_runs_out_is_not_shown_after(client, wallet_app, rid, demo_units):
    bill_id = claimable(wallet_app, rid, 1)[0]
    [auth_id] = grant(wallet_app, rid, demo_units["insurer"], [bill_id])
    with wallet_app.app_context():
        db.session.execute(update(Claim).where(Claim.id == auth_id).values(expires_at=utcnow() + timedelta(seconds=3)))
        bump_change_seq(rid)
        db.session.commit()
    assert "已授权" in card_of(client.get("/?status=reimbursable").get_data(as_text=True), bill_id)
    time.sleep(3.2)  # nothing changes in the database: only the clock passes the deadline
    assert "已授权" not in card_of(client.get("/?status=reimbursable").get_data(as_text=True), bill_id)


def test_each_session_gets_its_own_csrf_token_on_a_kept_page(client, wallet_app, rid):
    other = wallet_app.test_client()
    log_in(other, "p1")
    mine = csrf_token_of(client.get("/").get_data(as_text=True))
    assert csrf_token_of(client.get("/").get_data(as_text=True)) == mine
    theirs = csrf_token_of(other.get("/").get_data(as_text=True))
    assert theirs != mine
    assert client.post("/bills/refresh", headers={"X-CSRFToken": theirs}).status_code == 400
    assert client.post("/bills/refresh", headers={"X-CSRFToken": mine}).status_code == 303
    assert other.post("/bills/refresh", headers={"X-CSRFToken": theirs}).status_code == 303


def test_a_kept_page_posts_with_the_token_in_its_form(client, wallet_app, rid):
    """A second session of the resident makes the page kept; the first one's copy still posts."""
    other = wallet_app.test_client()
    log_in(other, "p1")
    other.get("/")
    other.get("/")
    html = client.get("/").get_data(as_text=True)
    client.get("/")
    in_form = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert in_form and in_form.group(1) == csrf_token_of(html)
    assert client.post("/bills/refresh", data={"csrf_token": in_form.group(1)}).status_code == 303


def test_a_waiting_message_is_shown_once_on_a_kept_page(client, wallet_app, rid):
    client.get("/")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "一条等待显示的消息")]
    assert "一条等待显示的消息" in client.get("/").get_data(as_text=True)
    assert "一条等待显示的消息" not in client.get("/").get_data(as_text=True)


def test_a_new_name_from_the_provider_shows_without_a_change_of_bills(client, wallet_app, rid):
    assert "乌*娜" in client.get("/").get_data(as_text=True)
    with wallet_app.app_context():
        db.session.execute(update(Resident).where(Resident.id == rid).values(name_enc=seal("乌兰图雅", NAME_PURPOSE)))
        db.session.commit()
    assert "乌**雅" in client.get("/").get_data(as_text=True)


def test_a_new_notification_shows_in_the_badge(client, wallet_app, rid):
    assert 'data-testid="unread-count"' not in client.get("/").get_data(as_text=True)
    with wallet_app.app_context():
        before = db.session.get(SyncState, rid).change_seq
        activity.notify(rid, "authorized", "测试通知", "正文")
        db.session.commit()
        assert db.session.get(SyncState, rid).change_seq > before
    assert re.search(r'data-testid="unread-count">1<', client.get("/").get_data(as_text=True))


def test_an_unchanged_list_costs_one_query(client, wallet_app, rid):
    """The resident with their sync state; the page itself and its counts are kept."""
    client.get("/")  # shows the welcome message after login, so it is not kept
    client.get("/")
    statements: list[str] = []
    with wallet_app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get("/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(statements) == 1 and "sync_states" in statements[0], statements


def test_a_page_with_kept_entries_turned_off_is_the_same(client, wallet_app, rid, monkeypatch):
    client.get("/?year=")  # the welcome message after login is shown once
    kept = client.get("/?year=").get_data(as_text=True)
    monkeypatch.setitem(wallet_app.extensions, EXTENSION, ListCache(0))
    fresh = client.get("/?year=").get_data(as_text=True)
    assert kept.replace(csrf_token_of(kept), "") == fresh.replace(csrf_token_of(fresh), "")


def test_a_freshly_made_list_reads_as_much_with_open_authorizations_as_without(
    client, wallet_app, rid, demo_units, monkeypatch
):
    """The cards' authorizations come in one statement, their bills from the page's own rows."""
    monkeypatch.setitem(wallet_app.extensions, EXTENSION, ListCache(0))
    client.get("/")  # the welcome message after login is shown once

    def statements() -> list[str]:
        with statements_sent(wallet_app) as seen:
            html = client.get("/").get_data(as_text=True)
        return [html, *seen]

    html, *without = statements()
    assert "已授权" not in html
    grant(wallet_app, rid, demo_units["insurer"], [newest_bill(wallet_app, rid)])
    html, *held = statements()
    assert "已授权" in card_of(html, newest_bill(wallet_app, rid))
    assert len(held) == len(without), held


def test_a_freshly_made_list_reads_four_statements(client, wallet_app, rid, monkeypatch):
    """The resident with their sync state (which keeps the unread count and the filter choices), the
    page of bills, its totals and its cards' authorizations: no count of notifications, no ``DISTINCT``."""
    monkeypatch.setitem(wallet_app.extensions, EXTENSION, ListCache(0))
    client.get("/")  # the welcome message after login is shown once
    with statements_sent(wallet_app) as seen:
        html = client.get("/").get_data(as_text=True)
    assert 'name="year"' in html and "bill-card" in html
    reads = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 4, seen
    assert not any("FROM notifications" in s or "DISTINCT" in s.upper() for s in seen), seen


@pytest.fixture
def many(network) -> int:
    """p1 holds 65 bills: more than three pages of the list."""
    for i in range(65 - network.payer_bill_count("p1")):
        network.issue("p1", amount=500 + i)
    return 65


def next_cursor_of(html: str) -> str:
    found = re.search(r'hx-get="/\?cursor=([^"&]+)', html)
    assert found, "the page offers 加载更多"
    return found.group(1)


def test_a_refresh_of_a_scrolled_list_shows_as_many_bills_as_it_held(many, rid, client):
    """Fresh results say how many bills the page showed: that many in whole pages, at most REFRESH_MOST."""
    fresh = {"HX-Request": "true"}
    for shown, cards in ((None, 20), (0, 20), (20, 20), (21, 40), (40, 40), (45, 60), (-3, 20), (10_000, many)):
        query = "" if shown is None else f"?shown={shown}"
        html = client.get(f"/{query}", headers=fresh).get_data(as_text=True)
        assert html.count('<li class="bill-card">') == cards, (shown, cards)
        # A refresh of a list scrolled to its end keeps the end's line, as 加载更多 showed it.
        assert (f"已显示全部 {many} 张" in html) == (cards == many), (shown, cards)
    assert REFRESH_MOST < 10_000
    page = client.get("/?shown=40").get_data(as_text=True)
    assert page.count('<li class="bill-card">') == 20, "a whole page (not a refresh) starts at one page"
    rows = client.get("/?shown=40&cursor=" + next_cursor_of(page), headers=fresh).get_data(as_text=True)
    assert rows.count('<li class="bill-card">') == 20, "加载更多 brings one page whatever the refresh showed"
