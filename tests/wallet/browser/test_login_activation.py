"""At phone size, a demo person logs in through 蒙速办, activates the account, logs out, and logs in again."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.wallet.browser.resident_sign_in import activate_with_persona


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def fits_the_phone(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_demo_person_activates_on_first_login_and_not_again(system, seeded_idp, page: Page, screenshot_dir):
    page.goto("/")
    page.get_by_role("link", name="使用蒙速办实名登录").click()
    expect(heading(page)).to_have_text("实名登录")
    expect(page.get_by_text("手机号验证码登录")).to_be_visible()
    assert fits_the_phone(page)
    page.screenshot(path=str(screenshot_dir / "idp-login-phone.png"), full_page=True)
    page.get_by_role("button", name=re.compile("乌日娜")).click()

    expect(heading(page)).to_have_text("授权登录")
    expect(page.get_by_text("身份证号码")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "idp-consent-phone.png"), full_page=True)
    page.get_by_role("button", name="同意并继续").click()

    expect(heading(page)).to_have_text("开通个人数字账户")
    expect(page.get_by_role("heading", name="谁能看到什么")).to_be_visible()
    expect(page.get_by_text("乌*娜（1501**********110X）")).to_be_visible()
    assert fits_the_phone(page)
    page.screenshot(path=str(screenshot_dir / "wallet-activation-phone.png"), full_page=True)
    page.get_by_role("button", name="同意并开通").click()
    expect(page).to_have_url(re.compile(r"/activate$"))  # the browser holds the form until the box is ticked
    page.get_by_label("我已阅读并同意以上内容").check()
    page.get_by_role("button", name="同意并开通").click()

    expect(page).to_have_url(f"{system.url}/")
    expect(page.locator(".session-name")).to_have_text("乌*娜")
    expect(page.get_by_text("个人数字账户已开通")).to_be_visible()
    assert "乌日娜" not in page.content()
    assert fits_the_phone(page)

    page.get_by_role("button", name="退出").click()
    expect(page.get_by_text("您已安全退出登录")).to_be_visible()
    expect(page.get_by_role("link", name="使用蒙速办实名登录")).to_be_visible()

    page.get_by_role("link", name="使用蒙速办实名登录").click()
    expect(heading(page)).to_have_text("实名登录")  # the provider's session ended too
    page.get_by_role("button", name=re.compile("乌日娜")).click()
    expect(page).to_have_url(f"{system.url}/")
    expect(page.locator(".session-name")).to_have_text("乌*娜")
    expect(page.get_by_text("个人数字账户已开通")).to_have_count(0)


def test_account_page_shows_the_masked_identity_and_activation_time(system, seeded_idp, page: Page, screenshot_dir):
    page.goto("/login?next=/account")
    activate_with_persona(page, "巴特尔")

    expect(page).to_have_url(f"{system.url}/account")
    card = page.get_by_role("region", name="我的个人数字账户")
    expect(card).to_contain_text("巴*尔")
    expect(card).to_contain_text("1504**********8550")
    expect(card).to_contain_text(re.compile(r"开通时间\s*20\d\d-\d\d-\d\d \d\d:\d\d"))
    assert fits_the_phone(page)
    page.screenshot(path=str(screenshot_dir / "wallet-account-phone.png"), full_page=True)


def test_face_verification_page_at_phone_size_brings_the_resident_back(system, seeded_idp, page: Page, screenshot_dir):
    page.goto("/login")
    activate_with_persona(page, "李秀兰")
    expect(page.locator(".session-name")).to_have_text("李*兰")

    page.goto("/auth/step-up?next=/account")
    expect(heading(page)).to_have_text("人脸核验")
    expect(page.get_by_text("请确认是 李*兰 本人操作")).to_be_visible()
    assert fits_the_phone(page)
    page.screenshot(path=str(screenshot_dir / "idp-face-phone.png"), full_page=True)
    page.get_by_role("button", name="开始人脸核验").click()
    expect(page).to_have_url(f"{system.url}/account")
