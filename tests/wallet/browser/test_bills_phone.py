"""A resident on a phone finds every bill issued to them nationwide, and sees changes arrive live."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.network import persona
from tests.wallet.browser.resident_sign_in import log_in_first_time


def cards(page: Page):
    return page.locator("#bill-results .bill-card")


def test_resident_browses_filters_searches_and_opens_a_bill(
    system, seeded_idp, network, running_worker, page: Page, screenshot_dir
):
    expected = network.payer_bill_count("p1")
    log_in_first_time(page, "乌日娜")
    expect(page.get_by_test_id("totals")).to_contain_text(f"共 {expected} 张", timeout=15000)
    expect(page.get_by_text("最后同步于")).to_be_visible()
    expect(cards(page).filter(has_text="北京")).not_to_have_count(0)
    expect(cards(page).filter(has_text="内蒙古")).not_to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshot_dir / "wallet-bills-phone.png"), full_page=False)

    page.get_by_label("票据类型").select_option(label="医疗住院收费票据")
    expect(page).to_have_url(re.compile(r"type=medical_inpatient"))
    expect(cards(page).first).to_contain_text("医疗住院收费票据")
    for text in cards(page).all_inner_texts():
        assert "医疗住院收费票据" in text
    page.get_by_label("票据类型").select_option(label="全部类型")
    expect(page).not_to_have_url(re.compile(r"type="))

    year = page.get_by_label("年份").locator("option").nth(1).get_attribute("value")
    page.get_by_label("年份").select_option(year)
    expect(page).to_have_url(re.compile(rf"year={year}"))
    expect(page.get_by_test_id("totals")).to_contain_text("已筛选")
    page.get_by_label("年份").select_option("")
    expect(page).not_to_have_url(re.compile(r"year="))

    page.get_by_label("搜索票据").fill("北京")
    expect(page).to_have_url(re.compile(r"[?&]q=%E5%8C%97%E4%BA%AC"))
    expect(cards(page)).not_to_have_count(0)
    for text in cards(page).all_inner_texts():
        assert "北京" in text
    page.get_by_label("搜索票据").fill("没有这样的单位")
    expect(page.get_by_text("没有符合条件的票据")).to_be_visible()
    page.get_by_label("搜索票据").fill("")
    expect(page).not_to_have_url(re.compile(r"q="))

    cards(page).filter(has_text="北京").first.click()
    expect(page.get_by_text("大写：")).to_be_visible()
    expect(page.get_by_test_id("signature")).to_contain_text("签名有效")
    expect(page.get_by_role("heading", name="收费项目")).to_be_visible()
    expect(page.get_by_role("heading", name="医保结算")).to_be_visible()
    expect(page.get_by_text("1501**********110X")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshot_dir / "wallet-bill-detail-phone.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载版式文件（PDF）").click()
    pdf = download.value
    assert pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    page.get_by_role("link", name="出示二维码").click()
    expect(page.get_by_role("img", name=re.compile("票据查验二维码"))).to_be_visible()


def test_new_and_red_reversed_bills_appear_without_reload(
    system, seeded_idp, network, running_worker, page: Page, browser: Browser
):
    expected = network.payer_bill_count("p1")
    log_in_first_time(page, "乌日娜")
    expect(page.get_by_test_id("totals")).to_contain_text(f"共 {expected} 张", timeout=15000)
    page.evaluate("window.__sameDocument = true")

    issuer = browser.new_context(base_url=system.url, viewport={"width": 1280, "height": 900}, locale="zh-CN")
    console = issuer.new_page()
    console.goto("/fiscal/console/")
    console.get_by_label("开票口令").fill("dev-only-issuer-token")
    console.get_by_role("button", name=re.compile("登录|进入")).click()
    console.get_by_label("票据种类").select_option(label="考务费专用票据")  # a donation now needs its PDF basis
    console.get_by_label("交款人名称").fill(persona("p1").name)
    console.get_by_label("交款人证件号码").fill(persona("p1").id_number)
    console.get_by_label("金额（元）").fill("1234.56")
    console.get_by_role("button", name="开具票据").click()
    expect(console.get_by_text("1234.56").first).to_be_visible()

    new_card = cards(page).filter(has_text="¥1,234.56")
    expect(new_card).to_have_count(1, timeout=10000)
    expect(page.get_by_test_id("totals")).to_contain_text(f"共 {expected + 1} 张")
    assert page.evaluate("window.__sameDocument") is True, "the list was reloaded"

    cards(page).filter(has_text="可报销").first.click()
    code = page.locator("dt:has-text('票据代码') + dd").inner_text()
    number = page.locator("dt:has-text('票据号码') + dd").inner_text()
    page.evaluate("window.__sameDocument = true")
    console.goto(f"/fiscal/console/find?code={code}&number={number}")
    console.get_by_role("button", name="冲红").click()
    expect(console.get_by_text("已冲红").first).to_be_visible()

    expect(page.get_by_test_id("status-chip")).to_have_text("已冲红", timeout=10000)
    expect(page.locator(".timeline")).to_contain_text("开票单位已冲红")
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"
    issuer.close()
