"""A unit's clerk pastes the receipt a resident handed over and reads, in Chinese, whether it is genuine and
which unit and bills it covers; one changed character and the page says it was altered."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.support.visual import check_page
from tests.wallet.authorization.fixtures import claimable, collected, demo_units, grant  # noqa: F401  (fixtures)
from wallet.demo import demo_unit
from wallet.extensions import db
from wallet.models import AuthorizationReceipt, Bill
from wallet.services import receipts


def receipt_jws(wallet_app, collected: int, unit_id: int) -> tuple[str, list[str]]:
    bills = claimable(wallet_app, collected, 2)
    grant(wallet_app, collected, unit_id, bills)
    with wallet_app.test_request_context():
        row = db.session.scalar(select(AuthorizationReceipt))
        assert row is not None
        numbers = [f"{b.code}-{b.number}" for b in db.session.scalars(select(Bill).where(Bill.id.in_(bills)))]
        jws = receipts.compact(row.canonical, row.signature_alg, row.signature_kid, row.signature_value)
        assert jws is not None, "receipts are signed as JWS"
        return jws, numbers


def test_a_pasted_receipt_is_checked_on_the_verify_page(system, wallet_app, collected, demo_units, page: Page):
    token, numbers = receipt_jws(wallet_app, collected, demo_units["insurer"])
    page.goto("/receipts/verify")
    expect(page.get_by_role("heading", name="验证授权回执")).to_be_visible()
    check_page(page, "receipt-verify")

    page.get_by_label("回执签名").fill(token)
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_test_id("verify-result")).to_have_text("✓ 签名有效，回执内容未被改动。")
    expect(page.get_by_test_id("verify-unit")).to_contain_text(demo_unit("insurer").name)
    for number in numbers:
        expect(page.get_by_test_id("verify-bills")).to_contain_text(number)
    check_page(page, "receipt-verify-genuine")

    header, payload, signature = token.split(".")
    altered = f"{header}.{payload[:40]}{'B' if payload[40] == 'A' else 'A'}{payload[41:]}.{signature}"
    page.get_by_label("回执签名").fill(altered)
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_test_id("verify-result")).to_have_text("✗ 签名校验失败，回执内容可能被改动过。")
    expect(page.get_by_test_id("verify-bills")).to_have_count(0)
    check_page(page, "receipt-verify-altered", allow_console=["422"])


def test_a_receipt_file_is_chosen_behind_a_chinese_button(
    system, wallet_app, collected, demo_units, page: Page, tmp_path
):
    token, _ = receipt_jws(wallet_app, collected, demo_units["insurer"])
    saved = tmp_path / "authorization-receipt-1.jws"
    saved.write_text(token)
    page.goto("/receipts/verify")
    page.locator("#receipt-file").set_input_files(str(saved))
    expect(page.locator("#receipt-chosen")).to_contain_text("已选择：authorization-receipt-1.jws")
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_test_id("verify-result")).to_have_text("✓ 签名有效，回执内容未被改动。")
    check_page(page, "receipt-verify-file")
