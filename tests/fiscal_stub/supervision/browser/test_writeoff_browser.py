"""On a phone: a unit's bill administrator reconciles last month and writes it off; a finance officer reviews
a unit's 异常票据, clears one and marks the other 违规 with a rectification notice."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Page, expect

from fiscal_stub.supervision.accounts import create_officer
from fiscal_stub.supervision.audit import Actor
from fiscal_stub.supervision.writeoffs import record_received, submit
from tests.fiscal_stub.supervision.browser.test_unit_lock_browser import UNIT_ON_PHONE
from tests.fiscal_stub.supervision.conftest import PASSWORD, beijing
from tests.support.visual import check_page

ONLINE_UNIT = "呼和浩特市第一人民医院"


def march_bills(sv, clock):
    unit = sv.unit(ONLINE_UNIT)
    sv.account(unit)
    bills = [sv.issue(unit, beijing(2026, 3, 5, 9, 12), amount=12000), sv.issue(unit, beijing(2026, 3, 9), amount=8050)]
    clock.set(beijing(2026, 4, 2, 9))
    return unit, bills


def test_phone_unit_reconciles_and_writes_off_last_month(sv, clock, page: Page, screenshot_dir):
    unit, _ = march_bills(sv, clock)
    page.goto("/fiscal/console/unit/login")
    page.get_by_label("统一社会信用代码").fill(unit.code)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#lock-banner")).to_contain_text("尚未完成核销")

    page.get_by_role("link", name="票据核销").click()
    expect(page.locator("#writeoff-state")).to_have_text("逾期未核销")
    page.get_by_role("link", name="2026年03月").click()
    expect(page.locator("#expected-total")).to_have_text("200.50 元")
    expect(page.locator("#bill-table tbody tr")).to_have_count(2)
    check_page(page, "fiscal-unit-cycle", UNIT_ON_PHONE)
    page.screenshot(path=str(screenshot_dir / "fiscal-unit-cycle-phone.png"), full_page=True)

    page.get_by_label("本周期实际到账合计（元）").fill("200.5")
    page.get_by_role("button", name="保存到账金额").click()
    expect(page.locator("#difference")).to_contain_text("一致")
    page.get_by_role("button", name="提交核销").click()
    expect(page.get_by_role("status").first).to_contain_text("2 张票据已全部核销")
    expect(page.locator("#bill-table")).to_contain_text("已核销")
    check_page(page, "fiscal-unit-cycle-written-off", UNIT_ON_PHONE)
    page.screenshot(path=str(screenshot_dir / "fiscal-unit-cycle-written-off-phone.png"), full_page=True)

    page.get_by_role("link", name="← 返回核销周期").click()
    expect(page.locator("#lock-banner")).to_have_count(0)
    expect(page.locator("#cycle-list")).to_contain_text("已核销")


def test_phone_finance_officer_reviews_abnormal_bills(sv, clock, page: Page, screenshot_dir):
    unit, (first, second) = march_bills(sv, clock)
    actor, now = Actor.unit(unit.code), beijing(2026, 4, 2, 9)
    record_received(sv.session, unit, date(2026, 3, 1), 19000, None, actor, now)
    submit(sv.session, unit, date(2026, 3, 1), actor, now)
    create_officer(sv.session, "czt", "票据监管处", "Officer-2026", now)

    page.goto("/fiscal/console/finance/login")
    page.get_by_label("用户名").fill("czt")
    page.get_by_label("密码").fill("Officer-2026")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="核销与异常票据").click()
    expect(page.locator("#unit-figures [data-state=abnormal] strong")).to_have_text("1")
    check_page(page, "fiscal-finance-writeoff", UNIT_ON_PHONE)
    page.screenshot(path=str(screenshot_dir / "fiscal-finance-writeoff-phone.png"), full_page=True)

    page.get_by_role("link", name=f"{unit.name} · 2026年03月").click()
    expect(page.locator("#abnormal-list li")).to_have_count(2)
    expect(page.locator("#abnormal-list")).to_contain_text("相差 -10.50 元")
    check_page(page, "fiscal-finance-case", UNIT_ON_PHONE)
    page.screenshot(path=str(screenshot_dir / "fiscal-finance-case-phone.png"), full_page=True)

    page.get_by_label(f"{second.code}-{second.number}").uncheck()
    page.get_by_role("button", name="解除异常并核销").click()
    expect(page.get_by_role("status").first).to_contain_text("已解除 1 张票据的异常")
    expect(page.locator("#abnormal-list li")).to_have_count(1)

    page.get_by_role("button", name="标记违规并下发整改通知").click()
    expect(page.locator("#review")).to_be_visible()
    expect(page.locator(".flash-error")).to_contain_text("请填写整改要求")
    check_page(page, "fiscal-finance-case-refused", UNIT_ON_PHONE, allow_console=("status of 422",))
    page.get_by_label("整改要求").fill("到账金额少于开票金额 10.50 元，请追缴并说明原因。")
    page.get_by_role("button", name="标记违规并下发整改通知").click()
    expect(page.get_by_role("status").first).to_contain_text("整改期限至 2026-07-02")
    expect(page.locator("#review")).to_contain_text("本周期没有待审核的异常票据")
    check_page(page, "fiscal-finance-case-decided", UNIT_ON_PHONE)
    page.screenshot(path=str(screenshot_dir / "fiscal-finance-case-decided-phone.png"), full_page=True)
    assert (sv.fresh(first).writeoff, sv.fresh(second).writeoff) == ("written_off", "violation")
