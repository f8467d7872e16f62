"""A bill the unit took in itself (文件报销) is one of its claims like any other: when the bill is also in a
resident's wallet, the unit's lock and reimbursement reach the resident's notifications and access history,
and the finance department's figures count them — because they are the same claim rows."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from common.timeutil import to_local
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.visual import CONSOLE, check_page
from tests.wallet.authorization.fixtures import as_unit, claimable, demo_units  # noqa: F401  (fixtures)
from tests.wallet.browser.test_authorization_pages_look import bill_of, signed_in
from tests.wallet.browser.test_unit_accounts_console import console, finance_logs_in
from tests.wallet.browser.unit_desk import desktop, lock_claim, record_reimbursement, unit_logs_in
from wallet.demo import demo_unit
from wallet.scan.five_elements import FiveElements
from wallet.services.file_claims import take_in


def test_a_file_claims_lock_and_reimbursement_reach_the_resident_and_the_figures(
    system, seeded_idp, network, running_worker, demo_units, wallet_app, page: Page, browser: Browser, base_url: str
):
    rid = signed_in(page, network, wallet_app)
    bill = bill_of(wallet_app, claimable(wallet_app, rid, 1)[0])
    handed_over = FiveElements(
        code=bill.code,
        number=bill.number,
        check=bill.check_code,
        issued_on=to_local(bill.issued_at).date(),
        amount_fen=bill.total,
    )
    claim_id = as_unit(wallet_app, "insurer", take_in, handed_over, "elements")
    insurer = demo_unit("insurer").name

    unit_context = desktop(browser, base_url)
    desk = unit_logs_in(unit_context, "insurer")
    desk.goto(f"/unit/claims/{claim_id}")
    expect(desk.get_by_test_id("mode")).to_have_text("文件报销")
    lock_claim(desk)
    record_reimbursement(desk, "100.00", "WJ2026SEEN1", "JZ-2026-1201")
    expect(desk.get_by_text("本单位办理记录")).to_be_visible()
    check_page(desk, "file-claim-reimbursed", audience=CONSOLE)
    unit_context.close()

    page.goto("/notifications")
    expect(page.get_by_text("票据已被锁定报销")).to_be_visible()
    expect(page.get_by_text(f"{insurer}已报销 ¥100.00")).to_be_visible()
    check_page(page, "file-claim-notifications")
    page.goto("/access-history")
    history = page.locator("main")
    expect(history).to_contain_text(insurer)
    expect(history).to_contain_text("锁定")
    expect(history).to_contain_text("¥100.00")
    check_page(page, "file-claim-access-history")

    finance = finance_logs_in(console(browser, base_url), wallet_app)
    finance.goto("/finance/figures")
    row = finance.locator(f"tr[data-row='{insurer}']")
    expect(row.locator("[data-col='claims']")).to_have_text("1")
    expect(row.locator("[data-col='reimbursed']")).to_have_text("1")
    expect(row.locator("[data-col='amount']")).to_have_text("¥100.00")
    check_page(finance, "file-claim-finance-figures", audience=CONSOLE)
