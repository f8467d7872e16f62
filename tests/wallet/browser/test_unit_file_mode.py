"""A unit at a desktop browser takes a bill handed over as a PDF: verify → 受理报销 → lock → feedback."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.wallet.authorization.fixtures import demo_units  # noqa: F401  (fixture)
from tests.wallet.browser.unit_desk import desktop, lock_claim, record_reimbursement, unit_logs_in
from tests.wallet.imports.bills import layout_pdf


def test_unit_verifies_a_layout_pdf_then_locks_and_reimburses_part(
    system, network, demo_units, browser: Browser, base_url: str, tmp_path, screenshot_dir
):
    item = network.issue("p1", amount=42000, type_key="court_fee")
    pdf = tmp_path / "bill.pdf"
    pdf.write_bytes(layout_pdf(network, item))
    context = desktop(browser, base_url)
    desk = unit_logs_in(context, "insurer")

    desk.get_by_role("link", name="查验票据").click()
    expect(desk.get_by_role("heading", name="查验票据")).to_be_visible()
    desk.get_by_label("选择开票单位提供的 PDF 文件").set_input_files(str(pdf))
    desk.get_by_role("button", name="上传并查验").click()
    expect(desk.get_by_test_id("authentic")).to_contain_text("签名有效")
    expect(desk.get_by_test_id("payer")).to_contain_text("1501**********110X")
    expect(desk.get_by_test_id("remaining")).to_have_text("¥420.00")
    desk.screenshot(path=str(screenshot_dir / "unit-file-verify-desktop.png"), full_page=True)

    desk.get_by_role("button", name="受理报销").click()
    expect(desk.get_by_test_id("mode")).to_have_text("文件报销")
    expect(desk.get_by_test_id("claim-state")).to_have_text("待锁定")
    lock_claim(desk)

    record_reimbursement(desk, "150.00", "WJ2026BROWSER1", "JZ-2026-0901")
    expect(desk.get_by_test_id("reimbursed-amount")).to_have_text("¥150.00")
    status = network.platform("GET", f"/bills/{item['code']}/{item['number']}").json()["bill"]["status"]
    assert status["reimbursement"] == "partially_reimbursed" and status["reimbursed_amount"] == 15000

    desk.get_by_role("link", name="待办与记录").click()
    desk.wait_for_load_state()  # htmx listens from the load on; a choice made earlier sends nothing
    desk.get_by_label("状态").select_option("reimbursed")
    row = desk.locator(f"tr[data-claim='{item['code']}-{item['number']}']")
    expect(row.get_by_test_id("mode")).to_have_text("文件报销")
    context.close()
