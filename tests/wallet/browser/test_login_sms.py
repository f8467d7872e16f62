"""At phone size, a person logs in with phone number and the SMS code the stub shows on screen."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)


def test_phone_and_sms_code_login_reaches_activation(system, seeded_idp, page: Page, screenshot_dir):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/login")
    page.get_by_label("手机号码").fill("13804720458")
    page.get_by_role("button", name="获取验证码").click()

    notice = page.get_by_role("status")
    expect(notice).to_contain_text("模拟短信")
    code = page.locator(".sms-code").inner_text()
    assert code.isdigit() and len(code) == 6
    expect(page.get_by_text("验证码已发送至 138****0458")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "idp-sms-phone.png"), full_page=True)

    page.get_by_label("短信验证码").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_text("验证码不正确，还可再试4次")).to_be_visible()

    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_role("button", name="同意并继续").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("开通个人数字账户")
    expect(page.get_by_text("王*国（1502**********4832）")).to_be_visible()
    assert violations == []
