"""An issuer uses the console in a browser, on a phone and on a desktop."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.fiscal_stub.conftest import ISSUER_TOKEN, WURINA


def log_in(page: Page) -> None:
    page.goto("/fiscal/console/")
    expect(page.get_by_role("heading", name="开票单位登录")).to_be_visible()
    page.get_by_label("开票口令").fill(ISSUER_TOKEN)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("开具票据")
    page.wait_for_load_state("load")  # its deferred scripts have run before the first step


def test_phone_issuer_issues_then_red_reverses_a_bill(network, page: Page, screenshot_dir):
    log_in(page)
    page.get_by_label("票据种类").select_option("medical_outpatient")
    page.get_by_label("交款人名称").fill(WURINA[1])
    page.get_by_label("交款人证件号码").fill(WURINA[0])
    page.get_by_label("金额（元）").fill("256.30")
    page.get_by_role("button", name="开具票据").click()
    expect(page.get_by_role("status")).to_contain_text("已开具票据")
    expect(page.get_by_role("heading", level=1)).to_have_text("内蒙古自治区医疗门诊收费票据（电子）")
    expect(page.locator("#issuance-status")).to_have_text("正常")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshot_dir / "fiscal-console-bill-phone.png"), full_page=True)

    page.get_by_label("冲红原因（可选）").fill("收费项目有误")
    page.get_by_role("button", name="冲红").click()
    expect(page.get_by_role("status")).to_contain_text("已冲红")
    expect(page.locator("#issuance-status")).to_have_text("已冲红")
    page.locator("#red-bill-link").click()
    expect(page.locator("#original-link")).to_be_visible()
    expect(page.get_by_text("¥-256.30")).to_be_visible()


def test_desktop_issuer_sees_field_errors(network, page: Page):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page)
    page.get_by_label("交款人名称").fill("测试")
    page.get_by_label("交款人证件号码").fill("11010519491231002")
    page.get_by_label("金额（元）").fill("abc")
    page.get_by_role("button", name="开具票据").click()
    expect(page.get_by_text("居民身份证号码应为18位：17位数字加1位数字或X。")).to_be_visible()
    expect(page.get_by_label("交款人证件号码")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("金额（元）")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("交款人名称")).to_have_value("测试")

    # The check character is the rule table's: a well-formed number with a wrong one is refused by its rule.
    page.get_by_label("交款人证件号码").fill("110105194912310021")
    page.get_by_label("金额（元）").fill("12")
    page.get_by_role("button", name="开具票据").click()
    expect(page.locator("#breach-banner")).to_contain_text("交款人证件号码校验不通过")
    expect(page.locator("#breach-banner")).to_contain_text("身份证号码校验位不正确")
