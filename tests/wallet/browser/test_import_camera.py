"""A logged-in resident points the phone's camera at a generated bill's QR code and adds the bill.

Chromium's fake camera films a ``.y4m`` made in the test from that bill's real QR payload,
so the page's own scanner (jsQR here: headless Chromium on Linux has no BarcodeDetector)
reads it, the wallet verifies it with the fiscal network, and the resident adds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, BrowserType, Page, expect

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.wallet.browser.fake_camera import camera_film, with_camera
from tests.wallet.browser.resident_sign_in import log_in_first_time
from tests.wallet.imports.bills import document_of, qr_text_of
from tests.wallet.imports.conftest import stored_bills

pytestmark = pytest.mark.browser


@pytest.fixture
def bill(net):
    return net.issue("p1", amount=67890)


@contextmanager
def phone_filming(
    text: str, browser_type: BrowserType, launch_args: dict, context_args: dict, folder: Path
) -> Iterator[BrowserContext]:
    """A phone-sized Chromium whose rear camera sees a QR code of ``text``; camera use allowed."""
    browser = browser_type.launch(**with_camera(launch_args, camera_film(text, folder), consent=True))
    context = browser.new_context(**context_args, permissions=["camera"])
    try:
        yield context
    finally:
        context.close()
        browser.close()


@pytest.fixture
def camera_phone(
    browser_type: BrowserType,
    browser_type_launch_args: dict,
    browser_context_args: dict,
    bill,
    base_url: str,
    tmp_path: Path,
) -> Iterator[BrowserContext]:
    """A phone whose camera sees ``bill``'s QR code."""
    with phone_filming(
        qr_text_of(bill, base_url), browser_type, browser_type_launch_args, browser_context_args, tmp_path
    ) as context:
        yield context


def log_in_to_import(page: Page) -> None:
    log_in_first_time(page, "乌日娜", start="/import")
    expect(page).to_have_url(re.compile(r"/import$"))


def test_resident_scans_a_paper_bill_with_the_camera_and_adds_it(
    system, seeded_idp, bill, camera_phone, wallet_app, screenshot_dir
):
    page = camera_phone.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    decoder_fetches: list[str] = []
    page.on("request", lambda r: decoder_fetches.append(r.url) if "jsQR.js" in r.url else None)
    log_in_to_import(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("导入票据")
    page.wait_for_load_state("load")
    assert decoder_fetches == [], "the QR decoder is fetched only when a scan starts"

    page.get_by_role("button", name="打开相机扫码").click()
    outcome = page.locator("#import-outcome")
    expect(outcome.get_by_role("heading", name="票据真实有效")).to_be_visible(timeout=15000)
    assert len(decoder_fetches) == 1
    expect(outcome).to_be_focused()
    expect(outcome).to_contain_text("¥678.90")
    expect(outcome).to_contain_text(document_of(bill)["issuer"]["name"])
    expect(outcome.get_by_test_id("status-chip")).to_have_text("可报销")
    assert page.evaluate("document.querySelector('[data-qr-scanner] video').srcObject") is None
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshot_dir / "wallet-import-scanned-phone.png"), full_page=False)
    assert stored_bills(wallet_app) == []

    outcome.get_by_role("button", name="加入票据夹").click()
    expect(page).to_have_url(re.compile(r"/bills/\d+$"))
    expect(page.get_by_text("已加入票据夹。")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(document_of(bill)["issuer"]["name"])
    [stored] = stored_bills(wallet_app)
    assert (stored.code, stored.number, stored.source) == (bill["code"], bill["number"], "imported")
    assert problems == []
