"""A clerk on a phone (360 px) pages through the inbox by its cursor and finds a claim by name and by number."""

from __future__ import annotations

from playwright.sync_api import Browser, ViewportSize, expect

from tests.support.network import persona
from tests.support.visual import CONSOLE_LATIN, Audience, check_page
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
