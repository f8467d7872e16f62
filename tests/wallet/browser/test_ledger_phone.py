"""A resident opens the yearly ledger on a phone, sees who paid what with the bills behind a figure,
and downloads the 大病医疗 statement, which opens and reads back."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from playwright.sync_api import Page, expect

from common.timeutil import to_local, utcnow
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.visual import check_page
from tests.wallet.authorization.fixtures import collect
from tests.wallet.browser.resident_sign_in import log_in_first_time


def test_resident_reads_the_yearly_ledger_and_downloads_the_statement(
    system, seeded_idp, network, wallet_app, fiscal_client, page: Page
):
    year = to_local(utcnow()).year
    log_in_first_time(page, "乌日娜")
    collect(wallet_app, fiscal_client, "p1")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的").click()
    page.get_by_role("link", name="年度账本：谁付了多少、大病医疗估算").click()
    expect(page.get_by_role("heading", name=f"{year} 年 · 谁付了多少")).to_be_visible()
    chart = page.get_by_role("img", name="按支付方").first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200  # drawn, at the card's width
    check_page(page, "ledger-year")

    by_issuer = page.get_by_role("list", name="按开票单位明细")
    by_issuer.locator("summary").first.click()
    bill_link = by_issuer.get_by_role("link").first
    expect(bill_link).to_be_visible()
    check_page(page, "ledger-figure-open")

    expect(page.get_by_role("heading", name="大病医疗 · 本人估算")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载大病医疗支出明细（电子表格）").click()
    sheet = load_workbook(BytesIO(download.value.path().read_bytes())).active
    assert isinstance(sheet, Worksheet)
    assert sheet["A1"].value == f"大病医疗支出明细（{year} 年 · 本人）"
    assert any(row[0].value == "合计" for row in sheet.iter_rows())

    bill_link.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/bills/" in page.url
