"""A resident reads every field the data standard gives a medical bill on its page, and its 医疗收费明细."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from common.masking import mask_id_number
from common.money import yuan_display
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.visual import check_page
from tests.wallet.browser.test_resident_pages_look import open_inpatient_bill, signed_in
from wallet.extensions import db
from wallet.models import Bill


def field(page: Page, label: str):
    return page.locator(f"dt:text-is('{label}') + dd").first


def test_an_inpatient_bill_shows_the_standard_fields_and_its_charge_details(
    system, seeded_idp, network, running_worker, wallet_app, page: Page
):
    signed_in(page, network)
    open_inpatient_bill(page)
    opened = re.search(r"/bills/(\d+)", page.url)
    assert opened, page.url
    bill_id = int(opened.group(1))
    with wallet_app.app_context():
        doc = json.loads(db.session.get_one(Bill, bill_id).canonical)
    medical = doc["medical"]
    expect(field(page, "业务流水号")).to_have_text(doc["serial"])
    expect(field(page, "交款人统一社会信用代码")).to_have_text(mask_id_number(doc["payer"]["id_number"]))
    expect(field(page, "性别")).to_have_text(doc["payer"]["gender"])
    expect(field(page, "收款人")).to_have_text(doc["handler"])
    expect(field(page, "复核人")).to_have_text(doc["reviewer"])
    expect(field(page, "医疗机构类型")).to_contain_text(medical["institution_type"])
    expect(field(page, "住院号")).to_have_text(medical["inpatient_number"])
    expect(field(page, "病历号")).to_have_text(medical["record_number"])
    expect(field(page, "住院科别")).to_have_text(medical["department"])
    for label, key in (("预缴金额", "prepaid"), ("补缴金额", "supplementary"), ("退费金额", "refunded")):
        expect(field(page, label)).to_have_text(yuan_display(medical[key]))
    first = doc["items"][0]
    row = page.locator("table.items").first.locator("tbody tr").first
    expect(row).to_contain_text(first["standard"])
    assert page.locator("table.items").first.locator("thead th").all_inner_texts() == [
        "项目",
        "标准",
        "数量",
        "单价",
        "金额",
        "自费",
        "备注",
    ]
    details = page.get_by_test_id("charge-details")
    details.locator("summary").click()
    expect(details.locator("summary")).to_have_text(f"医疗收费明细（{len(medical['details'])} 项）")
    shown = details.locator("tbody tr")
    expect(shown).to_have_count(len(medical["details"]))
    entry = medical["details"][0]
    expect(shown.first).to_contain_text(entry["name"])
    expect(shown.first).to_contain_text(entry["spec"])
    expect(shown.first).to_contain_text(yuan_display(entry["amount"]))
    expect(shown.first).to_contain_text(f"{entry['self_pay_ratio']}%")
    check_page(page, "bill-standard-fields")
