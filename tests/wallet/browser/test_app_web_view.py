"""A resident in an app's web view: its pages carry the app's user agent, its service worker does not.

Android web views do not give their custom user agent to service workers: the worker fetches with the
web view's own. A browser context's user agent in Chromium does the same (it does not reach the
context's service worker), so a context whose user agent is the browser's own with 蒙速办's name added
is the web view: the pages send the app's, and every page the worker fetches sends the browser's own.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, expect

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.page_waits import wait_until
from tests.support.visual import check_page, watch
from tests.wallet.browser.resident_sign_in import log_in_first_time
from tests.wallet.browser.test_bills_phone import cards

CONTROLLED = "() => Promise.resolve(Boolean(navigator.serviceWorker.controller))"


def test_a_resident_in_an_apps_web_view_stays_signed_in_on_the_pages_its_worker_fetches(
    system, seeded_idp, network, running_worker, browser: Browser, browser_context_args: dict[str, Any]
):
    probe = browser.new_context()
    own = probe.new_page().evaluate("() => navigator.userAgent")
    probe.close()
    context = browser.new_context(**browser_context_args, user_agent=f"{own} MengSuBan/3.2.1")
    try:
        page = watch(context.new_page())
        log_in_first_time(page, "乌日娜")
        assert "MengSuBan/3.2.1" in page.evaluate("() => navigator.userAgent")
        expect(page.get_by_test_id("totals")).to_contain_text(f"共 {network.payer_bill_count('p1')} 张", timeout=15000)
        wait_until(page, CONTROLLED)  # from here the worker fetches each page, with the browser's own agent
        bill = cards(page).first.locator("a.bill-link").get_attribute("href")
        assert bill and bill.startswith("/bills/")
        cards(page).first.click()
        expect(page).to_have_url(f"{system.url}{bill}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert "/login" not in page.url
        page.goto("/")
        expect(page.get_by_role("heading", name="我的票据")).to_be_visible()
        expect(cards(page).first).to_be_visible()
        check_page(page, "web-view-list")
    finally:
        context.close()
