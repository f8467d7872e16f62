"""A unit clerk at a desktop browser: signing in and the claim steps many browser tests walk through."""

from __future__ import annotations

import pyotp
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from wallet.demo import demo_unit

DESKTOP: ViewportSize = {"width": 1280, "height": 900}


def desktop(browser: Browser, base_url: str) -> BrowserContext:
    return browser.new_context(viewport=DESKTOP, base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai")


def unit_logs_in(context: BrowserContext, key: str) -> Page:
    unit = demo_unit(key)
    desk = context.new_page()
    desk.goto("/unit/login")
    desk.get_by_label("用户名").fill(unit.username)
    desk.get_by_label("密码").fill(unit.password)
    desk.get_by_role("button", name="下一步").click()
    desk.get_by_label("验证器中的 6 位动态码").fill(pyotp.TOTP(unit.totp_secret).now())
    desk.get_by_role("button", name="登录").click()
    expect(desk.get_by_role("heading", name="授权票据")).to_be_visible()
    expect(desk.locator(".session-name")).to_contain_text(unit.name)
    desk.wait_for_load_state("load")  # the inbox's deferred scripts (htmx) have run: its search answers typing
    return desk


def lock_claim(desk: Page) -> None:
    """On an open claim's page."""
    desk.get_by_role("button", name="锁定票据").click()
    expect(desk.get_by_test_id("claim-state")).to_have_text("已锁定")


def record_reimbursement(desk: Page, amount: str, serial: str, voucher: str, when: str | None = None) -> None:
    """Fill in and send the feedback form of a locked claim (amount in yuan as typed, ``when`` as the
    datetime-local field takes it); the claim then reads 已报销."""
    desk.get_by_label("报销金额（元）").fill(amount)
    desk.get_by_label("业务流水号").fill(serial)
    desk.get_by_label("记账凭证号").fill(voucher)
    if when is not None:
        desk.get_by_label("报销时间").fill(when)
    desk.get_by_role("button", name="登记报销").click()
    expect(desk.get_by_test_id("claim-state")).to_have_text("已报销")
