"""Two browsers, one claim: the resident (phone) authorizes bills to the demo insurer, the insurer (desktop)
locks, reimburses part and rejects the other, and the resident watches every step arrive without a reload;
the remainder then goes to the medical-insurance agency, which reimburses it."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.wallet.authorization.fixtures import claimable, demo_units, resident_id_of  # noqa: F401  (fixtures)
from tests.wallet.browser.resident_sign_in import log_in_first_time
from tests.wallet.browser.unit_desk import desktop, lock_claim, record_reimbursement, unit_logs_in
from wallet.demo import demo_unit
from wallet.extensions import db
from wallet.models import Bill

LIVE = 2000  # the resident's page must show a unit's step within 2 s, without a reload


def yuan(fen: int) -> str:
    return f"¥{fen // 100:,}.{fen % 100:02d}"


def fits_the_phone(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def no_reload_since_marked(page: Page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def open_claim(desk: Page, bill: Bill) -> None:
    desk.get_by_role("link", name=f"{bill.code}-{bill.number}").click()
    expect(desk.get_by_test_id("signature")).to_contain_text("签名有效")


def authorize(
    page: Page, unit_search: str, unit_name: str, bills: list[Bill], claim_ref: str, preselected: bool = False
) -> None:
    page.wait_for_load_state()  # htmx listens from the load on; typing earlier sends nothing
    page.get_by_label("搜索报销单位").fill(unit_search)
    # The results are swapped in after a pause in typing; a click before that can land on the old list.
    expect(page.locator("#unit-results li").filter(has_not_text=unit_search)).to_have_count(0, timeout=15000)
    page.locator("#unit-results").get_by_role("link", name=re.compile(unit_name)).click()
    expect(page.get_by_role("heading", name="选择票据")).to_be_visible()
    for bill in bills:
        box = page.locator(f"li[data-bill='{bill.code}-{bill.number}'] input[name='bill']")
        if preselected:
            expect(box).to_be_checked()
        else:
            box.check()
    page.get_by_label("理赔/报销单号（选填）").fill(claim_ref)
    page.get_by_role("button", name="下一步：预览").click()
    expect(page.get_by_role("heading", name=f"该单位将看到（共 {len(bills)} 张）")).to_be_visible()
    for bill in bills:
        expect(page.get_by_role("article", name=re.compile(f"{bill.code}-{bill.number}"))).to_contain_text("乌日娜")
    assert fits_the_phone(page)
    page.get_by_role("button", name="确认授权").click()


def test_resident_watches_two_units_reimburse_a_bill_live(
    system, seeded_idp, network, running_worker, demo_units, wallet_app, page: Page, browser: Browser, screenshot_dir
):
    log_in_first_time(page, "乌日娜")
    expect(page.get_by_test_id("totals")).to_contain_text(f"共 {network.payer_bill_count('p1')} 张", timeout=15000)
    with wallet_app.app_context():
        big, small = (db.session.get_one(Bill, i) for i in claimable(wallet_app, resident_id_of(wallet_app), 2))
    insurer, agency = demo_unit("insurer").name, demo_unit("agency").name

    # The resident authorizes two bills to the insurer, confirming with face verification.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="授权").click()
    page.get_by_role("link", name="新建授权").click()
    authorize(page, "北疆", insurer, [big, small], "LP-2026-0815")
    expect(page.get_by_role("heading", name="人脸核验")).to_be_visible()
    page.get_by_role("button", name="开始人脸核验").click()
    # Back from the face check, the authorization is made: 确认授权 is pressed once.
    expect(page.get_by_role("heading", name=f"已授权给 {insurer}")).to_be_visible()
    expect(page.get_by_test_id("receipt-signature")).to_contain_text("签名有效")
    assert fits_the_phone(page)
    page.screenshot(path=str(screenshot_dir / "wallet-authorization-receipt-phone.png"), full_page=True)

    page.get_by_role("link", name="查看授权进度").first.click()
    item_big = page.locator(f"li.auth-item[data-bill='{big.code}-{big.number}'][data-unit='{insurer}']")
    item_small = page.locator(f"li.auth-item[data-bill='{small.code}-{small.number}'][data-unit='{insurer}']")
    expect(item_big.get_by_test_id("auth-chip")).to_have_text("已授权，待单位处理")
    expect(item_small.get_by_test_id("auth-chip")).to_have_text("已授权，待单位处理")
    page.evaluate("window.__sameDocument = true")

    # The insurer logs in on a desktop, locks one bill, reimburses part of it and rejects the other.
    insurer_context = desktop(browser, system.url)
    desk = unit_logs_in(insurer_context, "insurer")
    expect(desk.get_by_test_id("claim-total")).to_contain_text("共 2 条")
    desk.screenshot(path=str(screenshot_dir / "unit-inbox-desktop.png"))
    open_claim(desk, big)
    lock_claim(desk)
    expect(desk.get_by_test_id("lock-until")).to_have_text(re.compile(r"20\d\d-\d\d-\d\d \d\d:\d\d"))
    expect(item_big.get_by_test_id("auth-chip")).to_have_text("已锁定", timeout=LIVE)
    desk.screenshot(path=str(screenshot_dir / "unit-claim-desktop.png"), full_page=True)

    part = big.claimable // 200 * 100  # about half of what the person bore, in whole yuan
    record_reimbursement(desk, f"{part // 100}.00", "BJRS-2026-000815", "JZ-2026-11-0815")
    expect(item_big.get_by_test_id("auth-chip")).to_have_text(f"已报销 {yuan(part)}", timeout=LIVE)
    expect(item_big).to_contain_text(f"剩余 {yuan(big.claimable - part)} 可授权其他单位报销")

    desk.get_by_role("link", name="待办与记录").click()
    open_claim(desk, small)
    desk.get_by_label("拒绝原因（居民将看到）").fill("该费用不在本保单保障范围内")
    desk.get_by_role("button", name="拒绝并释放票据").click()
    expect(desk.get_by_test_id("claim-state")).to_have_text("已拒绝")
    expect(item_small.get_by_test_id("auth-chip")).to_have_text("已拒绝", timeout=LIVE)
    expect(item_small).to_contain_text("拒绝原因：该费用不在本保单保障范围内")
    expect(page.get_by_test_id("unread-count")).to_have_text("4")
    assert no_reload_since_marked(page), "the resident's page was reloaded"
    page.screenshot(path=str(screenshot_dir / "wallet-authorizations-live-phone.png"), full_page=True)
    insurer_context.close()

    # The resident authorizes the remainder to the medical-insurance agency, from the bill itself.
    item_big.get_by_role("link", name=big.issuer_name).click()
    expect(page.get_by_test_id("remaining")).to_have_text(yuan(big.claimable - part))
    page.get_by_role("link", name="授权剩余金额给其他单位").click()
    authorize(page, "医疗保障", agency, [big], "YB-2026-0815", preselected=True)
    expect(page.get_by_role("heading", name=f"已授权给 {agency}")).to_be_visible()
    page.goto(f"/bills/{big.id}")
    expect(page.get_by_test_id("status-chip")).to_have_text("已授权")
    page.evaluate("window.__sameDocument = true")

    # The agency locks it and reimburses what is left; the bill is then fully reimbursed.
    agency_context = desktop(browser, system.url)
    desk = unit_logs_in(agency_context, "agency")
    open_claim(desk, big)
    expect(desk.get_by_test_id("remaining")).to_have_text(yuan(big.claimable - part))
    desk.get_by_role("button", name="锁定票据").click()
    expect(page.get_by_test_id("status-chip")).to_have_text("报销中", timeout=LIVE)
    left = big.claimable - part
    record_reimbursement(desk, f"{left // 100}.{left % 100:02d}", "YB-2026-000815", "YBJZ-2026-0815")
    expect(page.get_by_test_id("status-chip")).to_have_text("已报销", timeout=LIVE)
    paid = page.get_by_test_id("reimbursements")
    expect(paid.get_by_role("listitem")).to_have_count(2)
    expect(paid.get_by_role("listitem").filter(has_text=insurer)).to_contain_text(f"报销 {yuan(part)}")
    expect(paid.get_by_role("listitem").filter(has_text=agency)).to_contain_text(f"报销 {yuan(left)}")
    expect(page.get_by_test_id("remaining")).to_have_text("¥0.00")
    assert no_reload_since_marked(page), "the resident's page was reloaded"
    assert fits_the_phone(page)
    page.screenshot(path=str(screenshot_dir / "wallet-bill-reimbursed-phone.png"), full_page=True)
    agency_context.close()
