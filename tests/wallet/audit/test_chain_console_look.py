"""In Chromium at console size: the finance officer sees the chain's state, runs a verification that
advances slice by slice on its own, and reads the result; a tampered entry is shown as broken."""

from __future__ import annotations

from playwright.sync_api import Browser, expect
from sqlalchemy import update

from tests.support.visual import CONSOLE, SCREENS, check_page
from tests.wallet.audit.chain_tools import append
from tests.wallet.browser.test_unit_accounts_console import console, finance_logs_in
from wallet import audit_chain, audit_heads, audit_runs
from wallet.extensions import db
from wallet.models import AuditEntry


def test_the_officer_verifies_the_chain_and_sees_it_intact_then_broken(
    system, wallet_app, browser: Browser, base_url: str, monkeypatch
):
    append(wallet_app, 7)
    with wallet_app.app_context():
        audit_heads.publish_head()
    monkeypatch.setattr(audit_chain, "BATCH", 3)  # a long chain in miniature: several slices, each its own request
    monkeypatch.setattr(audit_runs, "SLICE_SECONDS", 0.0)
    office = console(browser, base_url)
    finance = finance_logs_in(office, wallet_app)
    finance.get_by_role("link", name="审计日志").click()
    panel = finance.locator("#chain")
    expect(panel.get_by_test_id("chain-last-verified")).to_contain_text("从未核验")
    expect(panel.get_by_test_id("chain-head")).to_be_visible()
    check_page(finance, "finance-audit-chain-unverified", CONSOLE)

    panel.get_by_role("button", name="立即核验").click()
    expect(panel.get_by_test_id("chain-result")).to_have_text("完好", timeout=15_000)
    expect(panel.get_by_test_id("chain-last-verified")).to_contain_text("财政部门管理员")
    expect(panel.get_by_test_id("chain-last-verified")).to_contain_text("1 个已发布链头全部一致")
    panel.locator("summary", has_text="完整哈希").click()
    expect(panel.get_by_test_id("chain-head-full")).to_be_visible()
    check_page(finance, "finance-audit-chain-intact", CONSOLE)
    finance.set_viewport_size({"width": 360, "height": 780})  # an officer on a phone: the panel still fits
    assert panel.evaluate(
        "(el) => el.getBoundingClientRect().right <= window.innerWidth && el.scrollWidth <= el.clientWidth"
    ), "the chain panel is wider than a 360 px phone"
    finance.screenshot(path=str(SCREENS / "finance-audit-chain-phone-360.png"), full_page=False)
    finance.set_viewport_size({"width": 1366, "height": 900})

    with wallet_app.app_context():
        db.session.execute(update(AuditEntry).where(AuditEntry.id == 4).values(subject="bill:forged"))
        db.session.commit()
    finance.reload()
    finance.locator("#chain").get_by_role("button", name="立即核验").click()
    expect(finance.locator("#chain").get_by_test_id("chain-result")).to_have_text("链条断裂", timeout=15_000)
    expect(finance.locator("#chain [role=alert]")).to_contain_text("第 4 条")
    check_page(finance, "finance-audit-chain-broken", CONSOLE)
    office.close()
