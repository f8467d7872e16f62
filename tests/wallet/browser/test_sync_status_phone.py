"""Where a resident's sync stands, on the bill list of a 360 px phone: the progress line counts what this
sync received, fits the screen, and gives way to the finished state without a reload once the sync ends,
also when the network interrupted it and a retry finished it.

The sync is driven step by step here, as the collection worker runs it (claim, collect, finish), so the
page can be looked at while it is running."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.visual import check_page
from tests.wallet.authorization.fixtures import resident_id_of
from tests.wallet.browser.resident_sign_in import log_in_first_time
from tests.wallet.browser.test_authorize_flow import no_reload_since_marked
from tests.wallet.browser.test_bills_phone import cards
from wallet.clients.fiscal import FiscalClient
from wallet.extensions import db
from wallet.identity_lookup import id_number_of
from wallet.models import SyncState
from wallet.services.collection_jobs import claim_next, run_job
from wallet.services.sync import sync_person

WORKER = "test-worker"
# How long a change may take to show on the open page (docs/live-status.md aims at 2 s).
SHOWN_WITHIN_MS = 5000

# Findings about the status line as a person sees it: a part of it outside the screen, or a box whose
# content is wider than the box (text cut off instead of wrapped).
OUTSIDE_OR_CLIPPED_JS = """
(status) => {
  const found = [];
  for (const el of [status, ...status.querySelectorAll('*')]) {
    const style = getComputedStyle(el);
    if (style.display !== 'inline' && el.scrollWidth > el.clientWidth) {
      found.push(`${el.tagName} ${el.className}: content ${el.scrollWidth}px in ${el.clientWidth}px`);
    }
    for (const r of el.getClientRects()) {
      if (r.width && (r.left < 0 || r.right > window.innerWidth)) {
        found.push(`${el.tagName} ${el.className}: ${Math.round(r.left)}..${Math.round(r.right)}px`);
      }
    }
  }
  return found;
}
"""


def status_line(page: Page) -> Locator:
    return page.locator("#sync-status")


def fits_the_screen(page: Page) -> None:
    status = status_line(page)
    expect(status).to_be_visible()
    assert status.evaluate(OUTSIDE_OR_CLIPPED_JS) == [], "the sync status is cut off or outside the screen"


def worker_claims(wallet_app, rid: int) -> None:
    with wallet_app.app_context():
        assert claim_next(WORKER) == rid


def worker_collects(wallet_app, rid: int) -> None:
    """The claimed sync receives what is new, and is still running."""
    with wallet_app.app_context():
        id_number = id_number_of(rid)
        assert id_number is not None
        sync_person(rid, id_number, FiscalClient.from_app())
        assert db.session.get_one(SyncState, rid).state == "running"


def worker_finishes(wallet_app, rid: int) -> bool:
    with wallet_app.app_context():
        return run_job(rid, id_number_of, FiscalClient.from_app())


def signed_in_and_collected(page: Page, network, wallet_app) -> int:
    """乌日娜 signs in; her first sync runs to its end while her list is open."""
    log_in_first_time(page, "乌日娜")
    rid = resident_id_of(wallet_app)
    worker_claims(wallet_app, rid)
    assert worker_finishes(wallet_app, rid)
    expect(page.get_by_test_id("totals")).to_contain_text(f"共 {network.payer_bill_count('p1')} 张")
    expect(status_line(page)).to_contain_text("最后同步于")
    return rid


def test_a_running_sync_shows_its_own_count_then_gives_way_to_the_finished_state(
    system, seeded_idp, network, wallet_app, page: Page
):
    rid = signed_in_and_collected(page, network, wallet_app)
    before = network.payer_bill_count("p1")
    network.issue("p1", amount=4321)
    page.evaluate("window.__sameDocument = true")

    page.get_by_role("button", name="刷新").click()
    expect(status_line(page)).to_contain_text("正在归集票据")
    worker_claims(wallet_app, rid)
    worker_collects(wallet_app, rid)
    # The new bill shows, and the line counts what this sync received: one bill, not all she has.
    expect(cards(page).filter(has_text="¥43.21")).to_have_count(1, timeout=SHOWN_WITHIN_MS)
    expect(page.get_by_test_id("totals")).to_contain_text(f"共 {before + 1} 张")
    expect(status_line(page)).to_have_text("正在归集票据，已收到 1 张…")
    fits_the_screen(page)
    check_page(page, "bill-list-sync-running")

    assert worker_finishes(wallet_app, rid)
    expect(page.get_by_test_id("sync-progress")).to_have_count(0, timeout=SHOWN_WITHIN_MS)
    expect(status_line(page)).not_to_contain_text("正在归集")
    expect(status_line(page).locator(".spinner")).to_have_count(0)
    expect(status_line(page)).to_contain_text("最后同步于")
    expect(status_line(page).get_by_role("button", name="刷新")).to_be_visible()
    fits_the_screen(page)
    assert no_reload_since_marked(page), "the page was reloaded"
    check_page(page, "bill-list-sync-finished")


def test_a_sync_the_network_interrupted_gives_way_when_its_retry_finishes(
    system, seeded_idp, network, wallet_app, page: Page
):
    rid = signed_in_and_collected(page, network, wallet_app)
    page.evaluate("window.__sameDocument = true")

    page.get_by_role("button", name="刷新").click()
    expect(status_line(page)).to_contain_text("正在归集票据")
    network.faults(error_rate=1.0)
    worker_claims(wallet_app, rid)
    assert not worker_finishes(wallet_app, rid)
    expect(status_line(page)).to_contain_text("网络暂时无法访问", timeout=SHOWN_WITHIN_MS)
    fits_the_screen(page)
    check_page(page, "bill-list-sync-failed")

    network.clear_faults()
    network.issue("p1", amount=1234)
    with wallet_app.app_context():
        state = db.session.get_one(SyncState, rid)
        assert state.next_attempt_at is not None
        state.next_attempt_at = state.next_attempt_at.replace(year=2000)  # its backoff is over
        db.session.commit()
    worker_claims(wallet_app, rid)
    assert worker_finishes(wallet_app, rid)
    expect(status_line(page)).not_to_contain_text("网络暂时无法访问", timeout=SHOWN_WITHIN_MS)
    expect(status_line(page)).to_contain_text("最后同步于")
    expect(page.get_by_test_id("sync-progress")).to_have_count(0)
    expect(cards(page).filter(has_text="¥12.34")).to_have_count(1)
    assert no_reload_since_marked(page), "the page was reloaded"
