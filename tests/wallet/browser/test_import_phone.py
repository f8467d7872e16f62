"""Importing on a 360 px phone without the camera: a photo with progress while it is checked, the
layout PDF, and the five elements typed with the keyboard alone, each field checked inline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.wallet.browser.test_import_camera import log_in_to_import
from tests.wallet.imports.bills import elements_of, fields_of, layout_pdf, tampered_pdf
from tests.wallet.imports.conftest import stored_bills
from tests.wallet.scan.bill_photos import Shot, bill_sheet, photograph

pytestmark = pytest.mark.browser


def fits_the_phone(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def watch(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and "status of 4" not in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def test_a_photo_upload_shows_progress_while_checked_then_the_bill(
    system, seeded_idp, net, page: Page, wallet_app, screenshot_dir
):
    problems = watch(page)
    item = net.issue("p1", amount=12345)
    photo = photograph(bill_sheet(elements_of(item)), Shot(size=(4000, 3000), rotate=21, tilt=0.05, quality=40))
    log_in_to_import(page)
    assert fits_the_phone(page)
    page.screenshot(path=str(screenshot_dir / "wallet-import-phone.png"), full_page=True)

    net.faults(latency_ms=1500)
    form = page.locator("form", has=page.get_by_label("选择或拍摄票据照片"))
    page.get_by_label("选择或拍摄票据照片").set_input_files(
        files={"name": "IMG_0412.jpg", "mimeType": "image/jpeg", "buffer": photo}
    )
    form.get_by_role("button", name="上传并核验").click()
    busy = page.locator("#photo-busy")
    expect(busy).to_be_visible()
    expect(busy).to_contain_text("正在上传并核验")
    expect(form).to_have_attribute("aria-busy", "true")
    expect(form.get_by_role("button", name="上传并核验")).to_be_disabled()
    expect(page.locator("#import-live")).to_have_text("正在上传照片并核验票据…")
    page.screenshot(path=str(screenshot_dir / "wallet-import-checking-phone.png"), full_page=False)

    outcome = page.locator("#import-outcome")
    expect(outcome.get_by_role("heading", name="票据真实有效")).to_be_visible(timeout=15000)
    expect(busy).to_be_hidden()
    assert busy.locator("progress").evaluate("bar => bar.value") == 100
    expect(outcome).to_be_focused()
    expect(outcome).to_contain_text("¥123.45")
    net.clear_faults()
    outcome.get_by_role("button", name="加入票据夹").click()
    expect(page.get_by_text("已加入票据夹。")).to_be_visible()
    assert [b.number for b in stored_bills(wallet_app)] == [item["number"]]
    assert problems == []


def test_refusals_appear_in_place_and_change_nothing(system, seeded_idp, net, page: Page, wallet_app, screenshot_dir):
    problems = watch(page)
    item = net.issue("p1")
    log_in_to_import(page)
    pdf_input = page.get_by_label("选择开票单位提供的 PDF 文件")
    pdf_form = page.locator("form", has=pdf_input)

    pdf_input.set_input_files(
        files={"name": "bill.pdf", "mimeType": "application/pdf", "buffer": tampered_pdf(layout_pdf(net, item))}
    )
    pdf_form.get_by_role("button", name="上传并核验").click()
    outcome = page.locator("#import-outcome")
    expect(outcome.get_by_role("heading", name="未通过核验")).to_be_visible()
    expect(outcome).to_contain_text("签名验证未通过")
    expect(outcome).to_be_focused()
    assert fits_the_phone(page)
    page.screenshot(path=str(screenshot_dir / "wallet-import-refused-phone.png"), full_page=False)

    pdf_input.set_input_files(files={"name": "notes.txt", "mimeType": "text/plain", "buffer": b"just text"})
    pdf_form.get_by_role("button", name="上传并核验").click()
    expect(outcome).to_contain_text("只能上传票据照片（JPEG、PNG、WebP、HEIC）或PDF版式文件")

    too_big = b"%PDF-1.7\n" + b" " * (11 * 1024 * 1024)
    pdf_input.set_input_files(files={"name": "big.pdf", "mimeType": "application/pdf", "buffer": too_big})
    expect(pdf_form.locator("[data-file-problem]")).to_have_text("文件超过 10 兆，请压缩或换一个文件后再上传。")
    expect(pdf_input).to_have_attribute("aria-invalid", "true")
    assert pdf_input.evaluate("input => input.validity.valid") is False

    pdf_input.set_input_files(
        files={"name": "bill.pdf", "mimeType": "application/pdf", "buffer": layout_pdf(net, item)}
    )
    expect(pdf_form.locator("[data-file-problem]")).to_have_text("")
    pdf_form.get_by_role("button", name="上传并核验").click()
    expect(outcome.get_by_role("heading", name="票据真实有效")).to_be_visible()
    assert stored_bills(wallet_app) == []
    assert problems == []


def test_five_elements_typed_with_the_keyboard_are_checked_field_by_field(
    system, seeded_idp, net, page: Page, wallet_app, screenshot_dir
):
    problems = watch(page)
    item = net.issue("p1", amount=9900)
    good = fields_of(item)
    log_in_to_import(page)

    code = page.get_by_label("票据代码")
    code.focus()
    page.keyboard.type(good["code"][:6])
    page.keyboard.press("Tab")
    expect(page.locator("#e-code")).to_have_text("票据代码应为8位数字。")
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(code).to_have_attribute("aria-describedby", "h-code e-code")
    expect(page.get_by_label("票据号码")).to_be_focused()
    page.screenshot(path=str(screenshot_dir / "wallet-import-typed-error-phone.png"), full_page=False)

    code.focus()
    page.keyboard.press("End")
    page.keyboard.type(good["code"][6:])
    expect(page.locator("#e-code")).to_have_text("")
    expect(code).not_to_have_attribute("aria-invalid", "true")

    page.keyboard.press("Tab")
    for name in ("number", "check", "date", "amount"):
        page.keyboard.type(good[name])
        page.keyboard.press("Tab")
    for name in ("code", "number", "check", "date", "amount"):
        expect(page.locator(f"#e-{name}")).to_have_text("")
    expect(page.get_by_role("button", name="核验", exact=True)).to_be_focused()
    page.keyboard.press("Enter")

    outcome = page.locator("#import-outcome")
    expect(outcome.get_by_role("heading", name="票据真实有效")).to_be_visible()
    expect(outcome).to_be_focused()
    page.keyboard.press("Tab")
    expect(outcome.get_by_role("button", name="加入票据夹")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/bills/\d+$"))
    assert [b.number for b in stored_bills(wallet_app)] == [item["number"]]
    assert problems == []


def test_the_public_status_page_works_at_phone_size(system, net, page: Page, base_url, screenshot_dir):
    problems = watch(page)
    item = net.issue("p1", amount=25630)
    page.goto("/check")
    for name, value in fields_of(item).items():
        page.locator(f"#f-{name}").fill(value)
    page.get_by_role("button", name="查验", exact=True).click()
    outcome = page.locator("#check-outcome")
    expect(outcome.get_by_role("heading", name="票据真实有效")).to_be_visible()
    expect(outcome).to_be_focused()
    expect(outcome.get_by_role("link", name="登录后导入")).to_be_visible()
    assert fits_the_phone(page)
    page.screenshot(path=str(screenshot_dir / "wallet-check-phone.png"), full_page=True)
    assert problems == []
