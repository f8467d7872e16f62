"""From application to a clerk's desk, in Chromium at console size: finance approves a unit, the outbox
carries a one-time activation link (no password), the new administrator activates it (password and
their own TOTP key), works the inbox and a claim, changes the password, adds a user and disables
one; finance reads the outbox, the audit log and the figures. Every page passes the visual check."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyotp
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect
from sqlalchemy import select

from tests.support.visual import CONSOLE, check_page
from tests.wallet.authorization.fixtures import (  # noqa: F401  (fixtures)
    UNIT_APPLICATION,
    apply_for_unit,
    claimable,
    collected,
    demo_units,
    grant,
)
from tests.wallet.finance.test_figures import PLAN, plant
from wallet.extensions import db
from wallet.finance.admin import admin_totp_secret
from wallet.identity import mask_name
from wallet.models import Unit

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
CONSOLE_SIZE: ViewportSize = {"width": 1366, "height": 900}
PASSWORD = "Yizhong#Claims2026"
NEXT_PASSWORD = "Yizhong#Claims2027"


def console(browser: Browser, base_url: str) -> BrowserContext:
    return browser.new_context(viewport=CONSOLE_SIZE, base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai")


def finance_logs_in(context: BrowserContext, wallet_app) -> Page:
    desk = context.new_page()
    desk.goto("/finance/login")
    desk.get_by_label("用户名").fill("finance-admin")
    desk.get_by_label("密码").fill(wallet_app.config["FINANCE_ADMIN_PASSWORD"])
    desk.get_by_role("button", name="下一步").click()
    with wallet_app.app_context():
        code = pyotp.TOTP(admin_totp_secret()).now()
    desk.get_by_label("验证器中的 6 位动态码").fill(code)
    desk.get_by_role("button", name="登录").click()
    expect(desk.get_by_role("heading", name="单位数字账户", exact=True)).to_be_visible()
    desk.wait_for_load_state("load")  # its deferred scripts have run before the first step
    return desk


def one_line_buttons(page: Page, scope: str) -> list[str]:
    """Labels of buttons under ``scope`` whose text wraps onto more than one line."""
    return page.evaluate(
        """(scope) => [...document.querySelectorAll(scope + ' button')].filter((b) => {
        const range = document.createRange(); range.selectNodeContents(b);
        return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size > 1;
      }).map((b) => b.innerText)""",
        scope,
    )


def save_doc_shot(page: Page, name: str) -> None:
    if os.environ.get("UPDATE_DOC_SCREENSHOTS"):
        DOCS.mkdir(exist_ok=True)
        shot = DOCS / name
        page.screenshot(path=str(shot), full_page=True)


def test_finance_approves_and_the_new_unit_activates_works_and_manages_users(
    system, network, wallet_app, client, collected, fiscal_client, demo_units, browser: Browser, base_url: str
):
    assert apply_for_unit(client).status_code == 303
    office = console(browser, base_url)
    finance = finance_logs_in(office, wallet_app)
    application = finance.locator(f'li.application[data-credit-code="{UNIT_APPLICATION["credit_code"]}"]')
    expect(application).to_contain_text(UNIT_APPLICATION["name"])
    check_page(finance, "finance-applications", CONSOLE)
    application.get_by_role("button", name="批准开通").click()
    expect(finance.locator(".flash-success")).to_contain_text("一次性激活链接")
    for width in (1366, 1024, 800):
        finance.set_viewport_size({"width": width, "height": 900})
        assert one_line_buttons(finance, "#h-units ~ .table-scroll") == [], f"a button label wraps at {width} px"
    finance.set_viewport_size(CONSOLE_SIZE)
    check_page(finance, "finance-unit-accounts", CONSOLE)
    save_doc_shot(finance, "finance-console.png")

    finance.get_by_role("link", name="发件箱").click()
    link = finance.get_by_test_id("outbox-link").first
    expect(link).to_be_visible()
    body = finance.locator("main").inner_text()
    assert "初始密码" not in body and PASSWORD not in body
    check_page(finance, "finance-outbox", CONSOLE)
    activation = link.get_attribute("href")
    assert activation and "/unit/activate/" in activation

    with wallet_app.app_context():
        unit_id = db.session.scalars(select(Unit.id).where(Unit.credit_code == UNIT_APPLICATION["credit_code"])).one()
    plant(wallet_app, network, collected, fiscal_client, demo_units)  # the demo units' claims, for the figures
    bill = claimable(wallet_app, collected, len(PLAN) + 1)[-1]  # one the planted claims did not take
    [auth_id] = grant(wallet_app, collected, unit_id, [bill], claim_ref="YZ-2026-0007")

    desk = console(browser, base_url).new_page()
    desk.goto(activation)
    expect(desk.get_by_role("heading", name="激活单位数字账户用户")).to_be_visible()
    secret = desk.get_by_test_id("totp-secret").inner_text().strip()
    check_page(desk, "unit-activate", CONSOLE)
    desk.get_by_label("设置密码").fill(PASSWORD)
    desk.get_by_label("再次输入密码").fill(PASSWORD)
    desk.get_by_label("验证器中的 6 位动态码").fill(pyotp.TOTP(secret).now())
    desk.get_by_role("button", name="激活账号").click()
    expect(desk.locator(".flash-success")).to_contain_text("已激活")
    desk.goto(activation)
    expect(desk.get_by_test_id("activation-problem")).to_contain_text("已使用过")
    check_page(desk, "unit-activation-used", CONSOLE, allow_console=("status of 410",))  # refused on purpose

    desk.goto("/unit/login")
    desk.get_by_label("用户名").fill(UNIT_APPLICATION["credit_code"].lower())
    desk.get_by_label("密码").fill(PASSWORD)
    desk.get_by_role("button", name="下一步").click()
    desk.get_by_label("验证器中的 6 位动态码").fill(pyotp.TOTP(secret).now())
    desk.get_by_role("button", name="登录").click()
    expect(desk.get_by_role("heading", name="授权票据")).to_be_visible()
    row = desk.locator("tr[data-claim]").first
    expect(row.get_by_test_id("claimant")).to_have_text(mask_name("乌日娜"))
    expect(row.get_by_test_id("amount")).to_have_text(re.compile(r"^¥[\d,]+\.\d{2}$"))
    expect(row.get_by_test_id("claim-ref")).to_have_text("YZ-2026-0007")
    check_page(desk, "unit-inbox", CONSOLE)

    row.get_by_role("link").click()
    expect(desk.get_by_test_id("visibility")).to_contain_text("本单位只能看到居民授权给本单位的票据")
    assert f"/unit/claims/{auth_id}" in desk.url
    check_page(desk, "unit-claim", CONSOLE)
    nav = desk.get_by_role("navigation", name="单位导航")
    for name, shot in (("查验票据", "unit-verify"), ("导出", "unit-export"), ("接口对接", "unit-integration")):
        nav.get_by_role("link", name=name).click()
        expect(desk.get_by_role("heading", level=1)).to_contain_text(name.replace("导出", "导出已处理票据"))
        # PEM is the name of the key format an integrator pastes, as JSON and JWK are.
        check_page(desk, shot, CONSOLE, allow_latin=("PEM",) if shot == "unit-integration" else ())

    nav.get_by_role("link", name="修改密码").click()
    check_page(desk, "unit-password", CONSOLE)
    desk.get_by_label("当前密码").fill(PASSWORD)
    desk.get_by_label("新密码", exact=True).fill(NEXT_PASSWORD)
    desk.get_by_label("再次输入新密码").fill(NEXT_PASSWORD)
    desk.get_by_role("button", name="保存新密码").click()
    expect(desk.locator(".flash-success")).to_contain_text("密码已修改")

    nav.get_by_role("link", name="用户管理").click()
    desk.get_by_label("用户名").fill("qian.clerk")
    desk.get_by_label("姓名").fill("钱老师")
    desk.get_by_role("button", name="添加并发送激活链接").click()
    expect(desk.locator(".flash-success")).to_contain_text("已添加用户钱老师")
    clerk = desk.locator('tr[data-username="qian.clerk"]')
    expect(clerk.get_by_test_id("user-status")).to_have_text("待激活")
    check_page(desk, "unit-users", CONSOLE)
    clerk.get_by_role("button", name="停用 qian.clerk").click()
    expect(clerk.get_by_test_id("user-status")).to_have_text("已停用")

    finance.get_by_role("link", name="发件箱").click()
    expect(finance.get_by_test_id("outbox-username").first).to_have_text("qian.clerk")
    assert NEXT_PASSWORD not in finance.content() and PASSWORD not in finance.content()
    check_page(finance, "finance-outbox-users", CONSOLE)
    finance.get_by_role("link", name="审计日志").click()
    expect(finance.locator(".audit-entry").first).to_be_visible()
    check_page(finance, "finance-audit", CONSOLE)
    finance.get_by_role("link", name="平台数据").click()
    expect(finance.locator("#by-unit")).to_contain_text(UNIT_APPLICATION["name"])
    check_page(finance, "finance-figures", CONSOLE)
    save_doc_shot(finance, "finance-figures.png")
    office.close()
