"""A unit's bill administrator, on a phone, finds issuing locked and lifts it with the renewed certificate."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Page, expect

from fiscal_stub.supervision.demo import blank_pdf
from tests.fiscal_stub.conftest import SUPERVISION_START
from tests.fiscal_stub.supervision.conftest import HOSPITAL, PASSWORD
from tests.support.visual import CONSOLE_LATIN, PHONE_SIZES, Audience, check_page

# Unit administrators on a phone: the resident's 44 px targets, and the names of their tools.
UNIT_ON_PHONE = Audience(PHONE_SIZES, 44, CONSOLE_LATIN | {"UKey"})


def test_phone_unit_sees_its_lock_and_lifts_it_with_a_renewed_certificate(sv, clock, page: Page, screenshot_dir):
    hospital = sv.unit(HOSPITAL)
    sv.account(hospital)
    sv.only_certificate(hospital, date(2021, 3, 10), SUPERVISION_START.date())

    page.goto("/fiscal/console/unit/login")
    page.get_by_label("统一社会信用代码").fill(hospital.code)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    banner = page.locator("#lock-banner")
    expect(banner).to_contain_text("本单位开票功能已锁定")
    expect(banner).to_contain_text("2026年3月10日到期")
    expect(banner).to_contain_text("上传换发后的新证书")
    check_page(page, "fiscal-unit-locked", UNIT_ON_PHONE)
    page.screenshot(path=str(screenshot_dir / "fiscal-unit-locked-phone.png"), full_page=True)

    page.get_by_label("证书编号").fill("事证第115000001234号")
    page.get_by_label("发证（生效）日期").fill("2026-03-01")
    page.get_by_label("有效期至").fill("2031-02-28")
    page.locator("#certificate-file").set_input_files(
        {"name": "事业单位法人登记证.pdf", "mimeType": "application/pdf", "buffer": blank_pdf()}
    )
    expect(page.locator("[data-file-chosen]")).to_have_text("已选择：事业单位法人登记证.pdf")
    page.get_by_role("button", name="上传证书").click()

    expect(page.get_by_role("status").first).to_contain_text("证书到期锁定已解除")
    expect(page.locator("#lock-banner")).to_have_count(0)
    expect(page.locator("#certificate-list")).to_contain_text("2031-02-28")
    check_page(page, "fiscal-unit-unlocked", UNIT_ON_PHONE)
    page.screenshot(path=str(screenshot_dir / "fiscal-unit-unlocked-phone.png"), full_page=True)
