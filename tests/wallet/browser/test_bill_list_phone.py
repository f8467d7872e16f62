"""A resident with many bills scrolls to the end of the list: every bill once, in order, totals kept."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import func, select

from common.database import write_transaction
from common.money import yuan_display
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.network import persona
from tests.support.visual import check_page
from tests.wallet.browser.resident_sign_in import log_in_first_time
from tests.wallet.browser.test_bills_phone import cards
from wallet.extensions import db
from wallet.identity_lookup import resident_for_id_number
from wallet.models import Bill
from wallet.services import bill_store

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
BILLS = 65


@pytest.fixture
def many_bills(network) -> int:
    """乌日娜 (p1) holds 65 bills across the network: more than three pages of the list."""
    for i in range(BILLS - network.payer_bill_count("p1")):
        network.issue("p1", amount=1000 + i)
    assert network.payer_bill_count("p1") == BILLS
    return BILLS


def listed_in_order(wallet_app) -> tuple[list[str], str]:
    """The resident's bill links in list order (newest first), and their sum as the totals show it."""
    with wallet_app.app_context():
        rid = resident_for_id_number(persona("p1").id_number)
        ids = db.session.scalars(
            select(Bill.id).where(Bill.resident_id == rid).order_by(Bill.issued_at.desc(), Bill.id.desc())
        ).all()
        total = db.session.execute(select(func.sum(Bill.total)).where(Bill.resident_id == rid)).scalar_one()
    return [f"/bills/{i}" for i in ids], yuan_display(int(total))  # PostgreSQL sums to a Decimal


def list_opened(page: Page, wallet_app) -> list[str]:
    """乌日娜 signs in for the first time and waits for all her bills; their links in list order."""
    log_in_first_time(page, "乌日娜")
    expect(page.get_by_test_id("totals")).to_contain_text(f"共 {BILLS} 张", timeout=15000)
    return listed_in_order(wallet_app)[0]


def shown_links(page: Page) -> list[str]:
    return page.locator("#bill-results .bill-card a.bill-link").evaluate_all(
        "links => links.map((a) => a.getAttribute('href'))"
    )


def reveal_more(page: Page) -> None:
    """Scroll to 加载更多 as a person does; a live refresh landing meanwhile (the feed still
    arriving) swaps the row for its refreshed twin, so the scroll is made again on that one."""
    for _ in range(5):
        try:
            page.locator(".load-more").scroll_into_view_if_needed()
            return
        except PlaywrightError as error:
            if "not attached" not in str(error):
                raise
    raise AssertionError("加载更多 kept being replaced")


def reimbursed_elsewhere(wallet_app, bill_id: int) -> None:
    """The bill is reimbursed by a unit: its status changes and the resident's open pages are told."""
    with wallet_app.app_context():
        write_transaction(db.session)  # as the wallet's writers do: the worker may be writing too
        bill = db.session.get_one(Bill, bill_id)
        paid = {"issuance": "normal", "reimbursement": "reimbursed", "reimbursed_amount": bill.total}
        assert bill_store.apply_status(bill.id, paid, bill.version + 1)
        bill_store.bump_change_seq(bill.resident_id)
        db.session.commit()


class HeldRefreshes:
    """Refreshes of the list asked for ``rows`` rows are held on their way while holding."""

    def __init__(self, page: Page, rows: int) -> None:
        self.page, self.holding = page, True
        self.routes: list[Route] = []
        page.route(lambda url: f"shown={rows}" in url, self._take)

    def _take(self, route: Route) -> None:
        if self.holding:
            self.routes.append(route)
        else:
            route.continue_()

    def until_one(self) -> None:
        for _ in range(50):
            if self.routes:
                return
            self.page.wait_for_timeout(100)  # the routes are taken while Playwright waits
        raise AssertionError("the change asked the list to refresh")

    def let_go(self) -> None:
        self.holding = False
        while self.routes:
            self.routes.pop(0).continue_()


def expect_totals(page: Page, amount: str) -> None:
    totals = page.get_by_test_id("totals")
    expect(totals).to_have_count(1)
    expect(totals).to_contain_text(f"共 {BILLS} 张")
    expect(totals).to_contain_text(amount)


def test_infinite_scroll_appends_every_bill_once_and_keeps_totals(
    system, seeded_idp, many_bills, running_worker, wallet_app, page: Page
):
    log_in_first_time(page, "乌日娜")
    expect(page.get_by_test_id("totals")).to_contain_text(f"共 {BILLS} 张", timeout=15000)
    expected, amount = listed_in_order(wallet_app)
    expect(cards(page)).to_have_count(20)
    for loaded in (40, 60, 65):
        reveal_more(page)
        expect(cards(page)).to_have_count(loaded)
        expect_totals(page, amount)
    assert shown_links(page) == expected
    expect(page.locator(".load-more")).to_have_count(0)
    expect(page.get_by_text(f"已显示全部 {BILLS} 张")).to_be_visible()
    expect(page.get_by_role("heading", name="我的票据")).to_have_count(1)
    check_page(page, "wallet-list-after-load-more")
    if os.environ.get("UPDATE_DOC_SCREENSHOTS"):
        DOCS.mkdir(exist_ok=True)
        page.get_by_text(f"已显示全部 {BILLS} 张").scroll_into_view_if_needed()
        page.screenshot(path=str(DOCS / "wallet-list-after-load-more.png"), full_page=False)


def test_load_more_links_page_through_every_bill_without_javascript(
    system, seeded_idp, many_bills, running_worker, wallet_app, browser: Browser, browser_context_args: dict[str, Any]
):
    # Logging in needs no script either: the identity stub and the activation page are plain forms.
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in_first_time(page, "乌日娜")
        for _ in range(30):  # collection runs in the worker; without script the page is reloaded by hand
            page.goto("/")
            if f"共 {BILLS} 张" in page.get_by_test_id("totals").inner_text():
                break
            page.wait_for_timeout(500)
        expected, amount = listed_in_order(wallet_app)
        seen = shown_links(page)
        expect_totals(page, amount)
        while page.get_by_role("link", name="加载更多").count():
            page.get_by_role("link", name="加载更多").click()
            expect_totals(page, amount)
            following = shown_links(page)
            assert following, "the next page shows the following bills"
            seen += following
        assert seen == expected
    finally:
        context.close()


def test_a_change_pushed_to_a_list_scrolled_past_its_first_pages_keeps_every_bill_shown(
    system, seeded_idp, many_bills, running_worker, wallet_app, page: Page
):
    """The list once wiped itself back to 20 bills when a change refreshed it: scrolled to 40, a
    bill on the second page is reimbursed elsewhere, and the page shows it without losing a row."""
    expected = list_opened(page, wallet_app)
    reveal_more(page)
    expect(cards(page)).to_have_count(40)
    target = int(expected[29].rsplit("/", 1)[1])  # the tenth card of the second page
    # The fewest cards the page ever shows from here on: a refresh cut back to one page would show
    # 20 even if scrolling then brought the rest back.
    page.evaluate(
        """() => {
          window.fewestCards = document.querySelectorAll("#bill-results .bill-card").length;
          new MutationObserver(() => {
            const now = document.querySelectorAll("#bill-results .bill-card").length;
            window.fewestCards = Math.min(window.fewestCards, now);
          }).observe(document.body, {childList: true, subtree: true});
        }"""
    )
    reimbursed_elsewhere(wallet_app, target)
    card = page.locator(f'#bill-results .bill-card a[href="/bills/{target}"]')
    expect(card).to_contain_text("已报销", timeout=5000)
    expect(cards(page)).to_have_count(40)
    assert shown_links(page) == expected[:40]
    assert page.evaluate("window.fewestCards") == 40, "the refresh never cut the list back"
    check_page(page, "wallet-list-change-after-load-more")


def test_a_refresh_asked_before_more_bills_loaded_does_not_cut_the_list_back(
    system, seeded_idp, many_bills, running_worker, wallet_app, page: Page
):
    """A change refreshes the list while 加载更多 is still bringing the second page; the refresh,
    asked for 20 rows, answers after the 40 are shown. The list once fell back to 20 then."""
    expected = list_opened(page, wallet_app)
    expect(cards(page)).to_have_count(20)
    held = HeldRefreshes(page, 20)
    target = int(expected[5].rsplit("/", 1)[1])
    reimbursed_elsewhere(wallet_app, target)
    held.until_one()  # the refresh is asked for the 20 rows on the page, and held on its way
    page.evaluate(
        """() => {
          // The fewest cards shown once the second page has come.
          window.fewestCards = null;
          new MutationObserver(() => {
            const now = document.querySelectorAll("#bill-results .bill-card").length;
            if (window.fewestCards !== null) window.fewestCards = Math.min(window.fewestCards, now);
            else if (now >= 40) window.fewestCards = now;
          }).observe(document.body, {childList: true, subtree: true});
        }"""
    )
    reveal_more(page)
    expect(cards(page)).to_have_count(40)
    held.let_go()
    card = page.locator(f'#bill-results .bill-card a[href="/bills/{target}"]')
    expect(card).to_contain_text("已报销", timeout=5000)
    expect(cards(page)).to_have_count(40)
    assert shown_links(page) == expected[:40]
    assert page.evaluate("window.fewestCards") == 40, "the late refresh never cut the list back"


# Set once the list's held refresh has been answered: the answer is swapped in (or set aside) in the
# same task, before the page's next wait for this looks. (Once swapped in, the requesting section has
# left the page, and events on it no longer reach <body>: hence the event before the swap.)
REFRESH_ANSWERED = """() => {
  window.refreshAnswered = false;
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.elt.id === "bill-results") window.refreshAnswered = true;
  });
}"""


def test_a_bill_tapped_while_the_list_refreshes_opens(
    system, seeded_idp, many_bills, running_worker, wallet_app, page: Page
):
    """A change refreshes the list between the finger going down on a bill and coming up. The list
    once replaced the card under the finger: press and release landed on different elements, no
    click came, and the bill did not open. The refresh now waits for the release, and is not lost."""
    expected = list_opened(page, wallet_app)
    expect(cards(page)).to_have_count(20)
    held = HeldRefreshes(page, 20)

    # Held down on the heading while the answer comes: the change shows once it is let go.
    changed, tapped = (int(expected[i].rsplit("/", 1)[1]) for i in (2, 4))
    reimbursed_elsewhere(wallet_app, changed)
    held.until_one()
    page.evaluate(REFRESH_ANSWERED)
    heading = page.get_by_role("heading", name="我的票据").bounding_box()
    assert heading
    page.mouse.move(heading["x"] + 10, heading["y"] + heading["height"] / 2)
    page.mouse.down()
    held.let_go()
    page.wait_for_function("() => window.refreshAnswered === true")
    page.mouse.up()
    expect(page.locator(f'#bill-results a[href="/bills/{changed}"]')).to_contain_text("已报销", timeout=5000)

    # Held down longer than a tap (a release the page never hears of, say): the change shows anyway.
    held.holding = True
    longer = int(expected[3].rsplit("/", 1)[1])
    reimbursed_elsewhere(wallet_app, longer)
    held.until_one()
    page.mouse.move(heading["x"] + 10, heading["y"] + heading["height"] / 2)
    page.mouse.down()
    held.let_go()
    expect(page.locator(f'#bill-results a[href="/bills/{longer}"]')).to_contain_text("已报销", timeout=5000)
    page.mouse.up()

    # Held down on a bill while the answer comes: letting go opens it.
    held.holding = True
    reimbursed_elsewhere(wallet_app, int(expected[6].rsplit("/", 1)[1]))
    held.until_one()
    page.evaluate(REFRESH_ANSWERED)
    link = page.locator(f'#bill-results a[href="/bills/{tapped}"]')
    link.scroll_into_view_if_needed()
    card = link.bounding_box()
    assert card
    page.mouse.move(card["x"] + card["width"] / 2, card["y"] + card["height"] / 2)
    page.mouse.down()
    held.let_go()
    page.wait_for_function("() => window.refreshAnswered === true")
    page.mouse.up()
    expect(page).to_have_url(re.compile(f"/bills/{tapped}$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
