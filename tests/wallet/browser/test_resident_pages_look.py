"""Every resident page as a person sees it on a phone: whole, drawn, readable, in Chinese, easy to tap."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from common.money import yuan
from common.timeutil import to_local
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.visual import check_page
from tests.wallet.authorization.fixtures import demo_units  # noqa: F401  (fixture)
from tests.wallet.browser.resident_sign_in import log_in_first_time
from tests.wallet.browser.test_bills_phone import cards
from wallet.extensions import db
from wallet.models import Bill

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def signed_in(page: Page, network) -> None:
    """乌日娜 logged in for the first time, her bills collected and listed."""
    log_in_first_time(page, "乌日娜")
    expect(page.get_by_test_id("totals")).to_contain_text(f"共 {network.payer_bill_count('p1')} 张", timeout=15000)


def shown_bill(wallet_app, bill_id: int) -> Bill:
    with wallet_app.app_context():
        bill = db.session.get_one(Bill, bill_id)
        db.session.expunge(bill)
        return bill


def open_inpatient_bill(page: Page) -> None:
    cards(page).filter(has_text="医疗住院收费票据").first.click()
    expect(page.get_by_role("heading", name="收费项目")).to_be_visible()


def test_logged_out_pages_and_the_login_the_resident_meets(system, seeded_idp, page: Page):
    page.goto("/")
    page.wait_for_function("window.htmx !== undefined")
    check_page(page, "look-home-logged-out")
    tabs = page.get_by_role("navigation", name="主导航")
    for label in ("票据", "导入", "授权", "家人", "我的"):
        expect(tabs.get_by_role("link", name=label, exact=True)).to_be_visible()
    drawn = tabs.locator("svg[aria-hidden=true] use").evaluate_all(
        "uses => uses.map((use) => { const box = use.getBBox(); return [box.width, box.height]; })"
    )
    assert len(drawn) == 5 and all(w >= 8 and h >= 8 and max(w, h) >= 16 for w, h in drawn), (
        f"tab icons not drawn: {drawn}"
    )
    page.goto("/import")
    check_page(page, "look-import-logged-out")

    page.goto("/")
    page.get_by_role("link", name="使用蒙速办实名登录").click()
    expect(page.get_by_role("heading", name="实名登录")).to_be_visible()
    check_page(page, "look-idp-login")
    page.get_by_label("手机号码").fill("13804720458")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status")).to_contain_text("模拟短信")
    check_page(page, "look-idp-sms-code")
    page.get_by_label("短信验证码").fill(page.locator(".sms-code").inner_text())
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("button", name="同意并继续")).to_be_visible()
    check_page(page, "look-idp-consent")


def test_bill_list_and_detail_keep_dates_amounts_and_codes_whole(
    system, seeded_idp, network, running_worker, page: Page
):
    signed_in(page, network)
    check_page(page, "look-bill-list")
    open_inpatient_bill(page)
    expect(page.get_by_text(re.compile(r"\d{4}-\d{2}-\d{2} 至 \d{4}-\d{2}-\d{2}（\d+ 天）"))).to_be_visible()
    expect(page.locator("dt:text-is('住院号') + dd")).to_have_text(re.compile(r"^ZY\d+$"))
    check_page(page, "look-bill-detail")


def test_qr_page_shows_a_drawn_code_that_opens_the_bill_check(
    system, seeded_idp, network, running_worker, wallet_app, page: Page
):
    signed_in(page, network)
    open_inpatient_bill(page)
    bill = shown_bill(wallet_app, int(page.url.rstrip("/").rsplit("/", 1)[1]))

    page.get_by_role("link", name="出示二维码").click()
    image = page.get_by_role("img", name=re.compile("票据查验二维码"))
    expect(image).to_be_visible()
    # Visible once laid out; drawn once its PNG has come, which a busy machine may take a moment over.
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=5000)
    decoded = [code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(image.screenshot())))]
    assert len(decoded) == 1, "the QR image on screen does not decode"
    url = urlsplit(decoded[0])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{system.url}/check"
    assert parse_qs(url.query) == {
        "code": [bill.code],
        "number": [bill.number],
        "check": [bill.check_code],
        "date": [to_local(bill.issued_at).strftime("%Y%m%d")],
        "amount": [yuan(bill.total)],
    }
    check_page(page, "wallet-bill-qr")
    if os.environ.get("UPDATE_DOC_SCREENSHOTS"):
        DOCS.mkdir(exist_ok=True)
        page.screenshot(path=str(DOCS / "wallet-bill-qr.png"), full_page=False)

    page.goto(decoded[0])  # what any phone camera opens
    expect(page.get_by_test_id("status-chip")).to_be_visible()
    check_page(page, "look-check-result")


def test_import_page_chooses_files_through_chinese_labels(system, seeded_idp, network, running_worker, page: Page):
    signed_in(page, network)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="导入").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("导入票据")
    check_page(page, "look-import")
    photo = page.get_by_label("选择或拍摄票据照片")
    expect(page.locator("#photo-chosen")).to_have_text("未选择照片")
    photo.set_input_files(files={"name": "票据照片.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff" * 400})
    expect(page.locator("#photo-chosen")).to_have_text("已选择：票据照片.jpg（不到 0.1 兆）")
    page.get_by_label("选择开票单位提供的 PDF 文件").set_input_files(
        files={"name": "bill.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n" + b" " * 2 * 1048576}
    )
    expect(page.locator("#pdf-chosen")).to_have_text("已选择：bill.pdf（2.0 兆）")


def test_me_page(system, seeded_idp, network, running_worker, page: Page):
    signed_in(page, network)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的").click()
    check_page(page, "look-me")
    for link, name in (("账户详情", "look-me-account"), ("注销账户", "look-me-deactivate")):
        page.get_by_role("main").get_by_role("link", name=link).click()
        page.wait_for_load_state("networkidle")
        check_page(page, name)
        page.go_back()


def test_authorize_selection_notifications_and_access_history(
    system, seeded_idp, network, running_worker, demo_units, page: Page
):
    signed_in(page, network)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="授权").click()
    check_page(page, "look-authorizations")
    page.get_by_role("link", name="新建授权").click()
    check_page(page, "look-authorize-choose-unit")
    page.goto(f"/authorize/{demo_units['insurer']}")
    expect(page.get_by_role("heading", name="选择票据")).to_be_visible()
    check_page(page, "look-authorize-select-bills")
    page.locator("input[name=bill]:not([disabled])").first.check()
    page.get_by_role("button", name="下一步：预览").click()
    page.get_by_role("button", name="确认授权").click()
    expect(page.get_by_role("button", name="开始人脸核验")).to_be_visible()
    check_page(page, "look-idp-face")
    page.goto("/notifications")
    check_page(page, "look-notifications")
    page.goto("/access-history")
    check_page(page, "look-access-history")


def test_public_check_form(system, page: Page):
    page.goto("/check")
    check_page(page, "look-check-form")


VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (event) => window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
"""


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/import",
        "/check",
        "/check?code=15010001&number=0000000001&check=abc123&date=20260101&amount=1.00",
        "/no-such-page",
        "/unit/login",
        "/finance/login",
        "/idp/",
        "/idp/login",
        "/idp/verify-face",
        "/fiscal/",
        "/fiscal/console/login",
    ],
)
def test_no_page_breaks_the_content_security_policy(system, seeded_idp, page: Page, path: str):
    page.add_init_script(VIOLATIONS)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    response = page.goto(path)
    assert response is not None
    status = response.status  # a refusal page (404, 400 without a login in progress) counts too
    page.wait_for_function("window.htmx !== undefined")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__cspViolations") == []
    assert [e for e in errors if f"status of {status} " not in e] == []
    assert page.evaluate("[...document.querySelectorAll('head style')].length") == 0, (
        "htmx injected its indicator style (an inline style the policy refuses)"
    )
