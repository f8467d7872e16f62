"""At phone size, the wallet opens offline: the list and a bill opened before, with the offline banner,
the actions that need the network disabled, and the bill's signed status snapshot a clerk can check later.
Signing out leaves nothing kept on the phone."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.page_waits import wait_until
from tests.support.visual import check_page
from tests.wallet.browser.resident_sign_in import log_in_first_time

# Functions, not bare expressions: Playwright evaluates an expression with eval(), which the CSP forbids;
# each resolves to whether it holds (tests/support/page_waits.py waits for that).
KEPT = "() => caches.match(location.href).then(Boolean)"
KEPT_WITH_BILLS = (
    "() => caches.match(location.href)"
    ".then((kept) => (kept ? kept.text() : '')).then((html) => html.includes('bill-card'))"
)
NOTHING_KEPT = "() => caches.keys().then((names) => names.length === 0)"
NO_PAGES_KEPT = "() => caches.keys().then((names) => !names.some((name) => name.startsWith('pages-')))"
NO_WORKER = "() => navigator.serviceWorker.getRegistrations().then((found) => found.length === 0)"
# What the browser logs on its own when a page is shown without a network (not a fault of the page).
OFFLINE_NOISE = ("ERR_INTERNET_DISCONNECTED", "Failed to load resource")


def cards(page: Page):
    return page.locator("#bill-results .bill-card")


def banner(page: Page):
    return page.locator("#offline-banner")


def test_bills_opened_online_open_offline_and_signing_out_forgets_them(
    system, seeded_idp, network, running_worker, page: Page, context: BrowserContext
):
    expected = network.payer_bill_count("p1")
    log_in_first_time(page, "乌日娜")
    expect(page.get_by_test_id("totals")).to_contain_text(f"共 {expected} 张", timeout=15000)
    # The worker takes over the page it was registered from, and keeps the list it missed.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_until(page, KEPT_WITH_BILLS)
    expect(banner(page)).to_be_hidden()

    cards(page).filter(has_text="北京").first.click()
    expect(page.get_by_text("大写：")).to_be_visible()
    detail_url = page.url
    issuer = page.locator("#bill-title").inner_text()
    wait_until(page, KEPT)

    # The live page is left before the network goes: a refresh it has in flight then would fail, and
    # htmx would log that failure as the copy's own.
    page.goto("about:blank")
    context.set_offline(True)
    page.goto(detail_url)
    expect(banner(page)).to_be_visible()
    expect(banner(page)).to_contain_text(re.compile(r"离线 · 状态截至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}"))
    assert page.evaluate("document.documentElement.dataset.offlineCopy"), "the page came from the network"
    expect(page.locator("#bill-title")).to_have_text(issuer)
    expect(page.get_by_text("大写：")).to_be_visible()
    download = page.get_by_role("link", name=re.compile("下载版式文件"))
    expect(download).to_have_attribute("aria-disabled", "true")
    expect(download).to_have_accessible_name(re.compile("（需联网）"))
    expect(page.get_by_role("button", name=re.compile("退出"))).to_be_disabled()
    expect(page.locator("#offline-reason")).to_contain_text("需要联网的操作已停用")
    snapshot = page.get_by_role("img", name=re.compile("状态快照二维码"))
    expect(snapshot).to_be_visible()
    shown = zxingcpp.read_barcodes(Image.open(io.BytesIO(snapshot.screenshot())))
    assert len(shown) == 1 and "/check?snapshot=" in shown[0].text
    check_page(page, "offline-bill-detail", allow_console=OFFLINE_NOISE)

    page.goto("/")
    expect(banner(page)).to_be_visible()
    expect(cards(page)).not_to_have_count(0)
    expect(page.get_by_label("票据类型")).to_be_disabled()
    check_page(page, "offline-bill-list", allow_console=OFFLINE_NOISE)

    page.goto("/import")  # never opened: no copy of it
    expect(page.get_by_role("heading", name="没有网络")).to_be_visible()
    page.goto("/")

    context.set_offline(False)  # the kept list offers the list as it is now
    page.get_by_role("link", name="刷新查看最新状态").click()
    expect(banner(page)).to_be_hidden()
    assert page.evaluate("document.documentElement.dataset.offlineCopy") is None
    expect(page.get_by_role("button", name="退出")).to_be_enabled()
    kept_policy = page.evaluate(
        """async () => {
            const name = (await caches.keys()).find((n) => n.startsWith("pages-"));
            const kept = await (await caches.open(name)).match(location.href);
            return kept.headers.get("Content-Security-Policy");
        }"""
    )
    assert "frame-ancestors 'self'" in kept_policy  # a kept page is framed only where the live one may be

    page.goto("/unit/login")  # a unit's page on this phone: no resident's bills stay kept
    wait_until(page, NO_PAGES_KEPT)
    page.goto("/")
    wait_until(page, KEPT)

    page.get_by_role("button", name="退出").click()
    expect(page.get_by_text("您已安全退出登录")).to_be_visible()
    wait_until(page, NOTHING_KEPT)
    wait_until(page, NO_WORKER)

    # Later, online, a clerk checks the snapshot the resident showed.
    check = urlsplit(shown[0].text)
    page.goto(f"{check.path}?{check.query}")
    expect(page.get_by_test_id("snapshot-verdict")).to_contain_text(re.compile(r"快照有效 · 签于 .+ · 状态 "))
    expect(page.get_by_role("heading", name="票据真实有效")).to_be_visible()
    assert page.url.split("?")[0].endswith("/check") and detail_url != page.url
    check_page(page, "check-snapshot-valid")


def test_a_list_that_filled_in_while_open_is_kept_as_the_person_last_saw_it(
    system, seeded_idp, network, request: pytest.FixtureRequest, page: Page, context: BrowserContext
):
    """The first list after signing in is kept before the first sync brings any bill; the bills that
    then arrive on the open page must be what the phone shows offline, not the empty list."""
    log_in_first_time(page, "乌日娜")  # no collection worker yet: the sync waits, the list is empty
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_until(page, KEPT)
    assert not page.evaluate(KEPT_WITH_BILLS), "the first copy should be of the list before its bills"
    expect(cards(page)).to_have_count(0)

    request.getfixturevalue("running_worker")
    expect(page.get_by_test_id("totals")).to_contain_text(f"共 {network.payer_bill_count('p1')} 张", timeout=15000)
    wait_until(page, KEPT_WITH_BILLS)

    page.goto("about:blank")
    context.set_offline(True)
    page.goto("/")
    expect(banner(page)).to_be_visible()
    expect(cards(page)).not_to_have_count(0)


def test_the_wallet_offers_to_be_added_to_the_home_screen_when_the_browser_allows_it(live_server, page: Page):
    page.goto("/check")
    offer = page.get_by_role("button", name="添加到主屏幕")
    expect(offer).to_be_hidden()
    # Chromium fires beforeinstallprompt only after its own engagement checks: the test fires it as Chromium would.
    page.evaluate(
        """() => {
            const event = new Event("beforeinstallprompt", { cancelable: true });
            event.prompt = () => { window.promptShown = true; return Promise.resolve(); };
            window.dispatchEvent(event);
            window.installPromptDeferred = event.defaultPrevented;
        }"""
    )
    expect(offer).to_be_visible()
    assert page.evaluate("window.installPromptDeferred") is True
    offer.click()
    assert page.evaluate("window.promptShown") is True
    expect(offer).to_be_hidden()


def test_the_manifest_names_the_wallet_in_chinese_with_icons_a_phone_installs(live_server, page: Page):
    page.goto("/check")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    assert href is not None
    manifest = page.request.get(href).json()
    assert manifest["short_name"] == "票据夹" and manifest["display"] == "standalone" and manifest["start_url"] == "/"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert page.request.get(icon["src"]).ok, icon["src"]
