"""A unit, on a phone, issues with a PDF basis that does not match and sends it to review; the finance
department, on a phone, reviews a bill held because its PDF basis does not match the face:
the text read from the contract beside the face, a refusal needs a reason, an approval issues the bill.
The rule table it edits is checked on the same phone."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Page, expect

from fiscal_stub.supervision.accounts import create_officer
from fiscal_stub.supervision.demo import REVIEW_UNIT, seed_review, text_pdf
from tests.fiscal_stub.supervision.conftest import CHARITY, PASSWORD, beijing
from tests.fiscal_stub.supervision.test_basis_http import AGREEMENT
from tests.support.visual import CONSOLE_LATIN, PHONE_SIZES, Audience, check_page

FINANCE_ON_PHONE = Audience(PHONE_SIZES, 44, CONSOLE_LATIN | {"UKey", "PDF"})


def test_phone_finance_reviews_a_pdf_basis_bill_and_approves_it(sv, clock, page: Page, screenshot_dir):
    university = sv.unit(REVIEW_UNIT)
    seed_review(sv.session, university, clock.now())
    create_officer(sv.session, "czt", "票据监管处", "Officer-2026", beijing(2026, 1, 1))

    page.goto("/fiscal/console/finance/login")
    page.get_by_label("用户名").fill("czt")
    page.get_by_label("密码").fill("Officer-2026")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="人工复核").click()
    queue = page.locator("#review-queue")
    expect(queue).to_contain_text("内蒙古师范大学")
    check_page(page, "fiscal-finance-review-queue", FINANCE_ON_PHONE)

    queue.get_by_role("link").first.click()
    expect(page.locator('[data-finding="amount"]')).to_contain_text("不一致")
    expect(page.locator('[data-finding="amount"]')).to_contain_text("¥12,000.00")
    expect(page.locator("#face")).to_contain_text("¥12,500.00")
    expect(page.locator("#basis-text")).to_contain_text("壹万贰仟元整")
    expect(page.locator("#review-course")).to_contain_text("另含500元资料费")
    check_page(page, "fiscal-finance-review", FINANCE_ON_PHONE)
    page.screenshot(path=str(screenshot_dir / "fiscal-finance-review-phone.png"), full_page=True)

    page.get_by_role("button", name="复核不通过").click()
    expect(page.locator("#reason-error")).to_contain_text("请填写不通过的原因")
    expect(page.get_by_label("不通过的原因（必填，单位可见）")).to_have_attribute("aria-invalid", "true")

    page.get_by_role("button", name="复核通过并开票").click()
    expect(page.get_by_role("status").first).to_contain_text("复核通过，已开具票据")
    expect(page.locator("#issued-bill")).to_have_text(re.compile(r"^15020126-[0-9]{10}$"))
    expect(page.locator("#review-course")).to_contain_text("czt")
    expect(page.get_by_role("button", name="复核通过并开票")).to_have_count(0)
    # The refusal without a reason answered 422 on purpose, above.
    check_page(page, "fiscal-finance-review-approved", FINANCE_ON_PHONE, allow_console=["status of 422"])
    page.screenshot(path=str(screenshot_dir / "fiscal-finance-review-approved-phone.png"), full_page=True)


def test_phone_finance_reads_and_edits_the_rule_table(sv, clock, page: Page, screenshot_dir):
    create_officer(sv.session, "czt", "票据监管处", "Officer-2026", beijing(2026, 1, 1))
    page.goto("/fiscal/console/finance/login")
    page.get_by_label("用户名").fill("czt")
    page.get_by_label("密码").fill("Officer-2026")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="监管规则").click()
    exam = page.locator("section", has=page.get_by_role("heading", name="考务费专用票据"))
    expect(exam).to_contain_text("¥0.01 至 ¥10,000.00")
    check_page(page, "fiscal-finance-rules", FINANCE_ON_PHONE)

    exam.get_by_role("link", name="金额范围").click()
    page.get_by_label("最高金额（元）").fill("500")
    page.get_by_role("button", name="保存规则").click()
    expect(page.get_by_role("status").first).to_contain_text("已保存“考务费专用票据·金额范围”")
    expect(exam).to_contain_text("¥0.01 至 ¥500.00")
    page.screenshot(path=str(screenshot_dir / "fiscal-finance-rules-phone.png"), full_page=True)

    exam.get_by_role("link", name="允许的项目编码").click()
    check_page(page, "fiscal-finance-rule-items", FINANCE_ON_PHONE)


def test_phone_unit_issues_with_a_pdf_basis_and_sends_a_mismatch_to_review(sv, clock, page: Page, screenshot_dir):
    charity = sv.unit(CHARITY)
    sv.account(charity)
    sv.only_certificate(charity, date(2026, 1, 1), date(2031, 1, 1))
    page.goto("/fiscal/console/unit/login")
    page.get_by_label("统一社会信用代码").fill(charity.code)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="开具票据").click()
    page.get_by_label("票据种类").select_option("donation")
    page.get_by_label("交款人名称").fill("乌日娜")
    page.get_by_label("交款人证件号码").fill("15010219860314110X")
    page.get_by_label("金额（元）").fill("1388")
    check_page(page, "fiscal-unit-issue", FINANCE_ON_PHONE)
    page.locator("#basis-file").set_input_files(
        {"name": "捐赠协议.pdf", "mimeType": "application/pdf", "buffer": text_pdf(AGREEMENT)}
    )
    expect(page.locator("[data-file-chosen]")).to_have_text("已选择：捐赠协议.pdf")
    page.get_by_role("button", name="开具票据").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("号复核申请")
    expect(page.locator('[data-finding="amount"]')).to_contain_text("资料中的金额：¥1,288.00")
    expect(page.locator("#review-course")).to_contain_text("比对不一致，待单位确认")
    check_page(page, "fiscal-unit-review-held", FINANCE_ON_PHONE)
    page.screenshot(path=str(screenshot_dir / "fiscal-unit-review-held-phone.png"), full_page=True)
    page.get_by_label("情况说明（可选，财政部门复核时可见）").fill("另有补充协议追加100元")
    page.get_by_role("button", name="确认无误，提交财政部门人工复核").click()
    expect(page.get_by_role("status").first).to_contain_text("已提交同级财政部门人工复核")
    expect(page.locator("#review-course")).to_contain_text("财政部门人工复核中")
    assert sv.bill_count() == 0
