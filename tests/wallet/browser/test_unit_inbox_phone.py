"""A clerk on a phone (360 px) pages through the inbox by its cursor and finds a claim by name and by number;
the search card stays in sight below the top bar, on a phone and at a desk."""

from __future__ import annotations

from playwright.sync_api import Browser, ViewportSize, expect

from tests.support.network import persona
from tests.support.visual import CONSOLE, CONSOLE_LATIN, SCREENS, Audience, check_page
from tests.wallet.authorization.fixtures import claimable, collect, demo_units, grant  # noqa: F401  (fixtures)
from tests.wallet.browser.test_authorize_flow import no_reload_since_marked
from tests.wallet.browser.unit_desk import unit_logs_in
from wallet.extensions import db
from wallet.identity import mask_name
from wallet.models import Claim
from wallet.services import unit_inbox

PHONE: ViewportSize = {"width": 360, "height": 780}
CLERK_ON_A_PHONE = Audience((PHONE,), 24, CONSOLE_LATIN)


def test_a_clerk_on_a_phone_pages_the_inbox_and_searches_it(
    system, wallet_app, network, fiscal_client, demo_units, resident_id, browser: Browser, base_url: str, monkeypatch
):
    monkeypatch.setattr(unit_inbox, "PAGE_SIZE", 2)
    for amount in (31_250, 8_800):
        network.issue("p1", amount=amount)
    collected = collect(wallet_app, fiscal_client, "p1")
    claims = grant(wallet_app, collected, demo_units["insurer"], claimable(wallet_app, collected, 5))
    with wallet_app.app_context():
        bill = db.session.get_one(Claim, claims[0]).bill
        wanted = f"{bill.code}-{bill.number}"
    context = browser.new_context(viewport=PHONE, base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai")
    desk = unit_logs_in(context, "insurer")
    desk.wait_for_load_state()
    expect(desk.get_by_test_id("claim-total")).to_have_text("共 5 条")
    expect(desk.locator("input[name=claim]")).to_have_count(2)
    check_page(desk, "unit-inbox-phone", CLERK_ON_A_PHONE)
    assert claims_in_sight(desk), "each claim shows every column within the phone's width"
    desk.evaluate("window.__sameDocument = true")

    boxes = desk.locator("input[name=claim]")
    shown = set(boxes.evaluate_all("boxes => boxes.map(b => b.value)"))
    for _ in range(2):
        before = boxes.first.input_value()
        desk.get_by_role("link", name="下一页").click()
        expect(boxes.first).not_to_have_value(before)
        expect(desk.get_by_role("link", name="回到第一页")).to_be_visible()
        shown |= set(boxes.evaluate_all("boxes => boxes.map(b => b.value)"))
    expect(desk.get_by_role("link", name="下一页")).to_have_count(0)
    assert shown == {str(c) for c in claims}, "three pages show every claim once"
    assert "after=" in desk.url and no_reload_since_marked(desk), "pages swap in place and the address follows"
    check_page(desk, "unit-inbox-phone-last-page", CLERK_ON_A_PHONE)

    desk.get_by_label("搜索", exact=True).fill(persona("p1").name)
    expect(desk.get_by_test_id("claim-total")).to_have_text("共 5 条")
    expect(desk.get_by_test_id("claimant").first).to_have_text(mask_name(persona("p1").name))
    desk.get_by_label("搜索", exact=True).fill(wanted)
    expect(desk.get_by_test_id("claim-total")).to_have_text("共 1 条")
    expect(desk.get_by_role("link", name=wanted)).to_be_visible()
    desk.get_by_label("搜索", exact=True).fill("张三丰")
    expect(desk.get_by_text("没有找到与“张三丰”相符的票据")).to_be_visible()
    desk.get_by_label("搜索", exact=True).fill("12.345")
    expect(desk.get_by_test_id("search-error")).to_contain_text("金额“12.345”无法识别")
    check_page(desk, "unit-inbox-phone-search-refused", CLERK_ON_A_PHONE)
    context.close()


# Each claim row as the clerk sees it on a phone: every cell, its amount and status among them, inside
# the viewport, and the table's box not scrolling sideways (a table 760 px wide once hid them there).
CLAIMS_IN_SIGHT_JS = """
(box) => {
  const unscrolled = box.scrollWidth <= box.clientWidth;
  const cells = [...box.querySelectorAll('tbody td')].map((td) => td.getBoundingClientRect());
  return unscrolled && cells.length > 0
    && cells.every((r) => r.width > 0 && r.left >= 0 && r.right <= window.innerWidth);
}
"""


def claims_in_sight(desk) -> bool:
    return desk.locator("#claim-results .table-scroll").evaluate(CLAIMS_IN_SIGHT_JS)


# Where the search field and its button are against the top bar, as a person sees them: each must be
# below the bar's bottom edge and be what a tap at its centre reaches (nothing drawn over it).
SEARCH_IN_SIGHT_JS = """
(card) => {
  const bar = document.querySelector('header.topbar').getBoundingClientRect();
  return [...card.querySelectorAll('input[type=search], button')].map((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    // The placeholder, typed in for a moment (no input event: no search runs), must not scroll the field.
    let placeholderFits = true;
    if (el.placeholder) {
      const typed = el.value;
      el.value = el.placeholder;
      placeholderFits = el.scrollWidth <= el.clientWidth;
      el.value = typed;
    }
    return {
      name: el.tagName.toLowerCase() + (el.textContent.trim() ? ' ' + el.textContent.trim() : ''),
      top: r.top, bottom: r.bottom, height: r.height, barBottom: bar.bottom,
      reached: hit === el || el.contains(hit), inView: r.top >= 0 && r.bottom <= window.innerHeight,
      placeholderFits,
    };
  });
}
"""


def search_in_sight(desk) -> list[dict]:
    return desk.locator("form[role=search]").evaluate(SEARCH_IN_SIGHT_JS)


def test_the_search_card_is_in_sight_below_the_top_bar_on_a_phone_and_a_desk(
    system, wallet_app, network, fiscal_client, demo_units, resident_id, browser: Browser, base_url: str
):
    for amount in (31_250, 8_800, 12_600, 5_400, 47_100):
        network.issue("p1", amount=amount)
    collected = collect(wallet_app, fiscal_client, "p1")
    grant(wallet_app, collected, demo_units["insurer"], claimable(wallet_app, collected, 8))
    context = browser.new_context(viewport=PHONE, base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai")
    desk = unit_logs_in(context, "insurer")
    desk.wait_for_load_state()
    expect(desk.get_by_test_id("claim-total")).to_have_text("共 8 条")

    at_load = search_in_sight(desk)
    desk.locator("form[role=search]").evaluate("(card) => card.scrollIntoView()")
    assert desk.evaluate("window.scrollY") > 0, "the page scrolled to the search card"
    scrolled = search_in_sight(desk)
    for moment, parts in (("at load", at_load), ("scrolled to", scrolled)):
        for part in parts:
            assert part["barBottom"] <= part["top"], f"{moment}: the top bar covers the {part['name']}: {part}"
            assert part["reached"] and part["inView"], f"{moment}: the {part['name']} is not in sight: {part}"
            assert part["height"] >= 44, f"the {part['name']} is {part['height']} px tall"
            assert part["placeholderFits"], f"the {part['name']}'s placeholder is cut off: {part}"
    assert sorted(p["name"] for p in at_load) == ["button 搜索", "input"], "the field has its own button"
    desk.screenshot(path=str(SCREENS / "unit-inbox-search-scrolled-360x780.png"))
    check_page(desk, "unit-inbox-search-phone", CLERK_ON_A_PHONE)

    # Typed without an input event (no search as you type runs): the button alone sends the search.
    desk.get_by_label("搜索", exact=True).evaluate("(field) => { field.value = '张三丰'; }")
    desk.get_by_role("button", name="搜索", exact=True).click()
    expect(desk.get_by_text("没有找到与“张三丰”相符的票据")).to_be_visible()

    desk.set_viewport_size({"width": 1366, "height": 900})
    desk.goto("/unit/")
    for part in search_in_sight(desk):
        assert part["barBottom"] <= part["top"] and part["reached"] and part["inView"], part
        assert part["height"] >= 44 and part["placeholderFits"], part
    check_page(desk, "unit-inbox-search-desk", CONSOLE)
    context.close()


def test_a_clerk_paging_by_keyboard_goes_on_from_the_new_page(
    system, wallet_app, network, fiscal_client, demo_units, resident_id, browser: Browser, base_url: str, monkeypatch
):
    """下一页 is replaced with the page it brings; focus once fell to the top of the document with it."""
    monkeypatch.setattr(unit_inbox, "PAGE_SIZE", 2)
    network.issue("p1", amount=31_250)
    collected = collect(wallet_app, fiscal_client, "p1")
    grant(wallet_app, collected, demo_units["insurer"], claimable(wallet_app, collected, 3))
    context = browser.new_context(viewport=PHONE, base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai")
    desk = unit_logs_in(context, "insurer")
    expect(desk.get_by_test_id("claim-total")).to_have_text("共 3 条")
    boxes = desk.locator("input[name=claim]")
    before = boxes.first.input_value()
    desk.get_by_role("link", name="下一页").focus()
    desk.keyboard.press("Enter")
    expect(boxes.first).not_to_have_value(before)
    assert desk.evaluate("() => document.activeElement.id") == "claim-results"
    desk.keyboard.press("Tab")
    assert desk.evaluate("() => document.activeElement.closest('#claim-results') !== null"), "Tab goes on in the page"
    context.close()
