"""The duplicate guard on a 360 px phone: typing a bill a unit holds says which unit and until when, and
typing one already in the wallet says so and opens the wallet's copy — nothing is added either time."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.visual import check_page
from tests.wallet.browser.test_import_camera import log_in_to_import
from tests.wallet.imports.bills import fields_of
from tests.wallet.imports.conftest import stored_bills
from tests.wallet.imports.test_import_duplicates import UNIT, lock

pytestmark = pytest.mark.browser


def type_elements(page: Page, fields: dict[str, str]) -> None:
    for name, value in fields.items():
        page.locator(f"#f-{name}").fill(value)
    page.get_by_role("button", name="核验", exact=True).click()


def test_a_held_bill_and_a_bill_already_in_the_wallet_are_named_not_added(
    system, seeded_idp, net, page: Page, wallet_app
):
    held, mine = net.issue("p1", amount=12000), net.issue("p1", amount=4560)
    lock(net, held)
    log_in_to_import(page)

    type_elements(page, fields_of(held))
    outcome = page.locator("#import-outcome")
    expect(outcome.get_by_test_id("held-by")).to_contain_text(f"{UNIT['unit_name']}正在办理报销，已锁定至")
    expect(outcome.get_by_role("button", name="加入票据夹")).to_have_count(0)
    check_page(page, "import-held-by-unit", allow_console=["status of 409"])

    type_elements(page, fields_of(mine))
    outcome.get_by_role("button", name="加入票据夹").click()
    expect(page).to_have_url(re.compile(r"/bills/\d+$"))
    bill_page = page.url

    page.goto("/import")
    type_elements(page, fields_of(mine))
    expect(outcome.get_by_role("heading", name="已在票据夹中")).to_be_visible()
    expect(outcome.get_by_test_id("already-there")).to_have_text("这张票据已在您的票据夹中，不会重复添加。")
    check_page(page, "import-already-in-wallet")
    outcome.get_by_role("link", name="查看这张票据").click()
    expect(page).to_have_url(bill_page)
    assert [b.number for b in stored_bills(wallet_app)] == [mine["number"]]
