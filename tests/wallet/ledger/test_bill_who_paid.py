"""A bill's page says who paid what of it: public insurance at settlement, each unit's reported
reimbursement with its voucher, and what was left to the person."""

from __future__ import annotations

import json

from sqlalchemy import select

from common.money import yuan_display
from tests.wallet.authorization.fixtures import resident_id_of
from tests.wallet.family.helpers import words
from wallet.extensions import db
from wallet.models.bill import Bill


def bills_of(wallet_app, rid: int) -> list[Bill]:
    with wallet_app.app_context():
        found = db.session.scalars(select(Bill).where(Bill.resident_id == rid, Bill.total > 0)).all()
        db.session.expunge_all()
        return list(found)


def test_a_reimbursed_bill_lists_each_payment_with_its_voucher_and_what_was_left(resident_client, wallet_app):
    rid = resident_id_of(wallet_app)
    reimbursed = [b for b in bills_of(wallet_app, rid) if b.reimbursed_amount and b.issuance == "normal"]
    assert reimbursed, "the demo network reimbursed some of p1's bills in the past"
    bill = reimbursed[0]
    records = [r for r in json.loads(bill.status_json)["records"] if r["result"] == "reimbursed"]
    html = resident_client.get(f"/bills/{bill.id}").get_data(as_text=True)
    assert "谁付了多少" in html
    for record in records:
        assert f"{record['unit_name']}报销" in html and record["voucher"] in html
    assert f"自己负担 {yuan_display(bill.claimable - bill.reimbursed_amount)}" in words(html)


def test_a_medical_bill_shows_what_public_insurance_paid_at_settlement(resident_client, wallet_app):
    rid = resident_id_of(wallet_app)
    medical = [
        b
        for b in bills_of(wallet_app, rid)
        if b.type_key.startswith("medical_") and b.total > b.claimable and not b.reimbursed_amount
    ]
    assert medical
    html = resident_client.get(f"/bills/{medical[0].id}").get_data(as_text=True)
    assert "医保统筹基金（结算时）" in html or "其他医保（结算时）" in html
    assert "自己负担" in html and yuan_display(medical[0].claimable) in html


def test_a_bill_nobody_else_paid_has_no_such_list(resident_client, wallet_app):
    rid = resident_id_of(wallet_app)
    alone = [
        b
        for b in bills_of(wallet_app, rid)
        if not b.type_key.startswith("medical_") and not b.reimbursed_amount and b.issuance == "normal"
    ]
    assert alone
    assert 'data-testid="who-paid"' not in resident_client.get(f"/bills/{alone[0].id}").get_data(as_text=True)
