"""At phone size: a guardian adds a child from 蒙速办's family records, opens the child's tab, opens one of
the child's bills and authorizes it to the insurer, with face verification, then opens the family's yearly
ledger and downloads the child's 大病医疗 statement, read back; every page looked at."""

from __future__ import annotations

import re
from io import BytesIO

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from playwright.sync_api import Page, expect

from common.timeutil import to_local, utcnow
from tests.support.visual import check_page
from tests.wallet.browser.resident_sign_in import log_in_first_time
from tests.wallet.family.helpers import ELDEST, issue_to_child
from wallet.demo import demo_unit


def test_a_guardian_authorizes_a_childs_bill_from_the_childs_tab(
    system, seeded_idp, network, running_worker, demo_units, fiscal_app, page: Page, screenshot_dir
):
    issued = issue_to_child(fiscal_app, ELDEST, type_key="medical_inpatient", amount=2_468_000)
    insurer = demo_unit("insurer").name
    log_in_first_time(page, "乌日娜")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="家人").click()
    expect(page.get_by_role("heading", name="家人", exact=True)).to_be_visible()
    check_page(page, "family-empty")
    page.get_by_role("link", name="从蒙速办获取家庭成员").click()
    page.get_by_role("button", name="同意并继续").click()  # 蒙速办 asks before telling the family
    expect(page.get_by_role("heading", name="蒙速办证明的家庭成员")).to_be_visible()
    check_page(page, "family-attested")
    page.locator("form", has_text="其*格").get_by_role("button", name="添加并代管").click()

    # The child's tab: the child's own bills, collected by the worker with the child's ID number.
    expect(page.get_by_test_id("acting-for")).to_have_text("其*格")
    expect(page.get_by_role("heading", name="其*格的票据")).to_be_visible()
    expect(page.locator(".bill-card")).to_have_count(1, timeout=15000)
    check_page(page, "family-child-tab")
    page.screenshot(path=str(screenshot_dir / "family-child-tab-phone.png"), full_page=True)

    page.locator(".bill-card a").first.click()
    expect(page.locator(".bill-detail")).to_contain_text(issued["number"])
    expect(page.get_by_test_id("signature")).to_contain_text("签名有效")
    expect(page.get_by_test_id("acting-for")).to_have_text("其*格")
    check_page(page, "family-child-bill")
    page.get_by_role("link", name="授权给报销单位").click()
    page.wait_for_load_state()
    page.get_by_label("搜索报销单位").fill("北疆")
    expect(page.locator("#unit-results li").filter(has_not_text="北疆")).to_have_count(0, timeout=15000)
    page.locator("#unit-results").get_by_role("link", name=re.compile(insurer)).click()
    expect(page.get_by_role("heading", name="选择票据")).to_be_visible()
    expect(page.locator("input[name='bill']:checked")).to_have_count(1)
    page.get_by_role("button", name="下一步：预览").click()
    expect(page.get_by_role("heading", name="该单位将看到（共 1 张）")).to_be_visible()
    # The unit sees the child as the payer; nothing of the guardian.
    expect(page.locator("article")).to_contain_text("交款人其其格")
    expect(page.locator("article")).not_to_contain_text("乌")
    check_page(page, "family-child-preview")
    page.get_by_role("button", name="确认授权").click()
    expect(page.get_by_role("heading", name="人脸核验")).to_be_visible()
    page.get_by_role("button", name="开始人脸核验").click()
    expect(page.get_by_role("heading", name=f"已授权给 {insurer}")).to_be_visible()
    expect(page.get_by_test_id("acting-for")).to_have_text("其*格")
    assert re.search(r"/family/\d+/authorizations/receipts/\d+$", page.url), page.url
    check_page(page, "family-child-receipt")
    page.screenshot(path=str(screenshot_dir / "family-child-receipt-phone.png"), full_page=True)

    page.get_by_role("link", name="访问记录").click()
    expect(page.locator("#access-list")).to_contain_text("监护人 乌*娜")
    check_page(page, "family-child-access-history")

    # The family's ledger: the child counted apart, with the child's own estimate and statement.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的").click()
    page.get_by_role("link", name="年度账本：谁付了多少、大病医疗估算").click()
    year = to_local(utcnow()).year
    expect(page.get_by_role("heading", name=f"{year} 年 · 谁付了多少")).to_be_visible()
    child_part = page.get_by_role("region", name="大病医疗 · 其*格（子女）估算")
    expect(child_part).to_contain_text("由父母一方扣除")
    check_page(page, "family-ledger")
    page.screenshot(path=str(screenshot_dir / "family-ledger-phone.png"), full_page=True)
    with page.expect_download() as download:
        child_part.get_by_role("link", name="下载大病医疗支出明细（电子表格）").click()
    sheet = load_workbook(BytesIO(download.value.path().read_bytes())).active
    assert isinstance(sheet, Worksheet)
    assert sheet["A1"].value == f"大病医疗支出明细（{year} 年 · 其*格（子女））"
    numbers = [row[5].value for row in sheet.iter_rows() if isinstance(row[0].value, int)]
    assert issued["number"] in numbers
