"""A resident scans a real bill whose QR code carries no amount: the form asks for it, and the bill imports.

Guangdong prints the national platform's link without the amount. The phone's fake camera
films that exact code; the page opens the five elements filled from the code with the
amount focused, the resident types the amount from the paper, and adds the bill.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, BrowserType, expect

from common.money import yuan
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.visual import check_page, watch
from tests.wallet.browser.test_import_camera import log_in_to_import, phone_filming
from tests.wallet.imports.bills import document_of, elements_of, printed_qr_of
from tests.wallet.imports.conftest import stored_bills

pytestmark = pytest.mark.browser


@pytest.fixture
def guangdong_bill(net):
    return net.issue("p1", province="44", amount=45678)


@pytest.fixture
def camera_on_guangdong_bill(
    browser_type: BrowserType,
    browser_type_launch_args: dict,
    browser_context_args: dict,
    net,
    guangdong_bill,
    tmp_path: Path,
) -> Iterator[BrowserContext]:
    with phone_filming(
        printed_qr_of(net, guangdong_bill), browser_type, browser_type_launch_args, browser_context_args, tmp_path
    ) as context:
        yield context


def test_a_scanned_code_without_the_amount_asks_for_it_and_the_bill_is_added(
    system, seeded_idp, net, guangdong_bill, camera_on_guangdong_bill, wallet_app
):
    page = watch(camera_on_guangdong_bill.new_page())
    log_in_to_import(page)
    page.get_by_role("button", name="打开相机扫码").click()
    asked = page.get_by_test_id("incomplete-qr")
    expect(asked).to_contain_text("二维码中没有金额，请按纸质票据填写金额。", timeout=15000)
    elements = elements_of(guangdong_bill)
    for label, value in (
        ("票据代码", elements.code),
        ("票据号码", elements.number),
        ("校验码", elements.check),
        ("开票日期", elements.date_text),
    ):
        expect(page.get_by_label(label)).to_have_value(re.compile(value, re.I))
    amount = page.get_by_label("金额（元）")
    expect(amount).to_be_focused()
    expect(amount).to_have_value("")
    check_page(page, "import-asks-for-the-amount", allow_console=["422"])

    amount.fill(yuan(45678))
    page.get_by_role("button", name="核验", exact=True).click()
    outcome = page.locator("#import-outcome")
    expect(outcome.get_by_role("heading", name="票据真实有效")).to_be_visible(timeout=15000)
    expect(outcome).to_contain_text(document_of(guangdong_bill)["issuer"]["name"])
    outcome.get_by_role("button", name="加入票据夹").click()
    expect(page.get_by_text("已加入票据夹。")).to_be_visible()
    assert [(b.code, b.number) for b in stored_bills(wallet_app)] == [(elements.code, elements.number)]
