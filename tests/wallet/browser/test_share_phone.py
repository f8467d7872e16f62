"""A share link on phones: the resident makes one from a bill's page, an office with no account opens it on
its own phone (a fresh browser, no session), a wrong access code is refused, the opening shows in the
resident's access history, and a revoked or expired link gives a clear page of its own."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from common.timeutil import utcnow
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.visual import check_page
from tests.wallet.authorization.fixtures import collect
from tests.wallet.browser.resident_sign_in import log_in_first_time
from wallet.extensions import db
from wallet.models import Bill
from wallet.public import shared as shared_views

pytestmark = pytest.mark.browser


def first_bill(wallet_app) -> Bill:
    with wallet_app.app_context():
        bill = db.session.scalars(select(Bill).order_by(Bill.id)).first()
        assert bill is not None
        db.session.expunge(bill)
        return bill


def office_phone(browser: Browser, browser_context_args: dict[str, Any]) -> BrowserContext:
    """Another phone: a browser of its own, with nothing of the resident's session."""
    return browser.new_context(**browser_context_args)


def make_link(page: Page, bill_id: int, *, code: bool, days: str = "7 天") -> tuple[str, str | None]:
    page.goto(f"/bills/{bill_id}")
    page.get_by_role("link", name="分享给没有账户的单位").click()
    expect(page.get_by_role("heading", name="分享票据")).to_be_visible()
    expect(page.locator(f"input[type=checkbox][name=bill][value='{bill_id}']")).to_be_checked()
    page.get_by_label("保险理赔").check()
    page.get_by_label("有效期").select_option(label=days)
    if code:
        page.get_by_label("需要 6 位访问码才能打开").check()
    page.get_by_role("button", name="生成分享链接").click()
    expect(page.get_by_role("heading", name="请对方扫码或打开链接")).to_be_visible()
    url = page.get_by_test_id("share-url").input_value()
    shown = page.get_by_test_id("share-code").inner_text().replace(" ", "") if code else None
    return "/shared?" + url.split("/shared?", 1)[1], shown


def test_an_office_opens_a_shared_bill_on_its_phone_and_the_resident_sees_and_ends_it(
    system, seeded_idp, net, wallet_app, fiscal_client, page: Page, browser: Browser, browser_context_args
):
    net.issue("p1", amount=25630)
    log_in_first_time(page, "乌日娜")
    collect(wallet_app, fiscal_client, "p1")
    bill = first_bill(wallet_app)
    page.goto("/")
    expect(page.get_by_role("link", name="分享票据给没有账户的单位")).to_be_visible()
    page.goto(f"/shares/new?bill={bill.id}")
    check_page(page, "share-new")

    link, code = make_link(page, bill.id, code=True)
    assert code is not None and re.fullmatch(r"[0-9]{6}", code)
    expect(page.locator("img.share-qr")).to_be_visible()
    check_page(page, "share-created")

    office = office_phone(browser, browser_context_args)
    phone = office.new_page()
    answer = phone.goto(link)
    assert answer is not None and answer.status == 200 and answer.headers["x-robots-tag"].startswith("noindex")
    expect(phone.get_by_role("heading", name="输入访问码")).to_be_visible()
    check_page(phone, "share-code-asked")
    phone.get_by_label("访问码").fill(f"{(int(code) + 1) % 10**6:06d}")
    phone.get_by_role("button", name="查看票据").click()
    expect(phone.get_by_test_id("code-error")).to_have_text("访问码不正确，还可以再试 4 次。")
    expect(phone.get_by_text("¥256.30")).to_have_count(0)
    check_page(phone, "share-code-refused", allow_console=["status of 403"])

    phone.get_by_label("访问码").fill(code)
    phone.get_by_role("button", name="查看票据").click()
    expect(phone.get_by_role("heading", name=re.compile("分享给您的票据"))).to_be_visible()
    expect(phone.get_by_test_id("share-banner")).to_contain_text("仅供保险理赔使用")
    expect(phone.get_by_test_id("verified")).to_contain_text("票据真实有效")
    expect(phone.locator("article.shared-bill")).to_contain_text(bill.number)
    expect(phone.locator("article.shared-bill")).to_contain_text("乌*娜")
    expect(phone.get_by_role("link", name="下载版式文件（PDF）")).to_be_visible()
    check_page(phone, "share-opened")

    page.goto("/access-history")
    history = page.locator("#access-list")
    expect(history).to_contain_text("分享链接")
    expect(history).to_contain_text("被打开查看")
    expect(history).to_contain_text("用途：保险理赔")
    check_page(page, "share-access-history")

    page.goto("/shares")
    page.get_by_role("link", name=re.compile("保险理赔")).first.click()
    expect(page.get_by_test_id("share-openings")).to_contain_text("被打开查看")
    page.get_by_role("button", name="立即撤销链接").click()
    expect(page.get_by_text("链接已撤销")).to_be_visible()
    expect(page.get_by_test_id("share-state")).to_have_text("已撤销")
    check_page(page, "share-revoked-resident")

    gone = phone.reload()
    assert gone is not None and gone.status == 410
    expect(phone.get_by_role("heading", name="链接已被撤销")).to_be_visible()
    expect(phone.get_by_text(bill.number)).to_have_count(0)
    check_page(phone, "share-revoked", allow_console=["status of 410"])
    office.close()


def test_an_expired_link_gives_a_clear_page(
    system, seeded_idp, net, wallet_app, fiscal_client, page: Page, browser: Browser, browser_context_args, monkeypatch
):
    net.issue("p1", amount=8800)
    log_in_first_time(page, "乌日娜")
    collect(wallet_app, fiscal_client, "p1")
    link, _ = make_link(page, first_bill(wallet_app).id, code=False, days="1 天")
    office = office_phone(browser, browser_context_args)
    phone = office.new_page()
    opened = phone.goto(link)
    assert opened is not None and opened.status == 200
    later = utcnow() + timedelta(days=1, minutes=1)
    monkeypatch.setattr(shared_views, "utcnow", lambda: later)
    gone = phone.goto(link)
    assert gone is not None and gone.status == 410
    expect(phone.get_by_role("heading", name="链接已过期")).to_be_visible()
    expect(phone.get_by_test_id("gone-text")).to_contain_text("请联系分享人重新分享")
    check_page(phone, "share-expired", allow_console=["status of 410"])
    office.close()
