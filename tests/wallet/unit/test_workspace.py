"""The unit workspace: inbox, claim detail with the signature check, lock, feedback, reject, export."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from common.money import yuan
from tests.conftest import csrf_token_of
from tests.support.tokens import plain
from tests.wallet.authorization.fixtures import age, auth_row, bill_row, claimable, grant
from wallet.extensions import db
from wallet.models.claim import Claim

FEEDBACK = {"serial": "BX2026000001", "voucher": "JZ-2026-0001", "time": "2026-03-06T09:30"}


@pytest.fixture
def claims(wallet_app, collected, demo_units) -> list[int]:
    bills = claimable(wallet_app, collected, 3)
    return grant(wallet_app, collected, demo_units["insurer"], bills, claim_ref="LP-2026-0001")


def post(client, path: str, **data: str):
    token = csrf_token_of(client.get("/unit/").get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def test_inbox_lists_the_authorized_bills_with_claim_reference(insurer, claims, wallet_app):
    html = insurer.get("/unit/").get_data(as_text=True)
    assert 'data-testid="claim-total">共 <strong>3</strong> 条' in html
    assert html.count('name="claim" value=') == 3
    assert "LP-2026-0001" in html and "待锁定" in html
    bill = auth_row(wallet_app, claims[0]).bill
    assert f"{bill.code}-{bill.number}" in html


def test_inbox_search_and_status_filter_narrow_the_list(insurer, claims, wallet_app):
    bill = auth_row(wallet_app, claims[1]).bill
    found = insurer.get(f"/unit/?q={bill.code}-{bill.number}").get_data(as_text=True)
    assert 'claim-total">共 <strong>1</strong> 条' in found
    assert 'claim-total">共 <strong>0</strong> 条' in insurer.get("/unit/?status=reimbursed").get_data(as_text=True)
    partial = insurer.get("/unit/?status=authorized", headers={"HX-Request": "true"})
    results = partial.get_data(as_text=True)
    assert "<html" not in results and "共 <strong>3</strong> 条" in results
    assert insurer.get("/unit/?status=nonsense").status_code == 400


def test_claim_detail_shows_the_bill_and_its_signature_check(insurer, claims, wallet_app):
    html = insurer.get(f"/unit/claims/{claims[0]}").get_data(as_text=True)
    assert 'data-testid="signature">✓ 签名有效' in html
    assert "乌日娜" in html and "1501**********110X" in html
    assert "锁定票据" in html and 'id="h-feedback"' not in html


def test_lock_shows_the_lock_period_and_mirrors_the_network_status(insurer, claims, wallet_app):
    response = post(insurer, f"/unit/claims/{claims[0]}/lock")
    assert response.status_code == 303
    html = plain(insurer.get(f"/unit/claims/{claims[0]}").get_data(as_text=True))
    assert 'data-testid="claim-state">已锁定' in html
    assert re.search(r'data-testid="lock-until">20\d\d-\d\d-\d\d \d\d:\d\d<', html)
    auth = auth_row(wallet_app, claims[0])
    assert auth.state == "locked" and auth.lock_expires_at is not None
    assert bill_row(wallet_app, auth.bill_id).reimbursement == "locked"


def test_a_lapsed_lock_is_shown_as_lapsed_and_can_be_locked_again(insurer, claims, wallet_app):
    post(insurer, f"/unit/claims/{claims[0]}/lock")
    age(wallet_app, claims[0], lock_expires_at=60)
    html = insurer.get(f"/unit/claims/{claims[0]}").get_data(as_text=True)
    assert 'data-testid="claim-state">锁定已过期' in html and "重新锁定" in html
    assert 'id="h-feedback"' not in html
    assert post(insurer, f"/unit/claims/{claims[0]}/lock").status_code == 303
    assert 'data-testid="claim-state">已锁定' in insurer.get(f"/unit/claims/{claims[0]}").get_data(as_text=True)


def test_feedback_records_a_partial_reimbursement_once_per_serial(insurer, claims, wallet_app):
    post(insurer, f"/unit/claims/{claims[0]}/lock")
    bill = auth_row(wallet_app, claims[0]).bill
    part = bill.claimable // 2
    amount = f"{part // 100}.{part % 100:02d}"
    first = post(insurer, f"/unit/claims/{claims[0]}/feedback", amount=amount, **FEEDBACK)
    assert first.status_code == 303
    again = post(insurer, f"/unit/claims/{claims[0]}/feedback", amount=amount, **FEEDBACK)
    assert again.status_code == 303
    after = bill_row(wallet_app, bill.id)
    assert after.reimbursed_amount == part and after.reimbursement == "partially_reimbursed"
    auth = auth_row(wallet_app, claims[0])
    assert (auth.state, auth.amount, auth.serial, auth.voucher) == (
        "reimbursed",
        part,
        FEEDBACK["serial"],
        FEEDBACK["voucher"],
    )
    conflict = post(insurer, f"/unit/claims/{claims[0]}/feedback", amount="1.00", **FEEDBACK)
    assert conflict.status_code == 409 and "流水号" in conflict.get_data(as_text=True)
    assert bill_row(wallet_app, bill.id).reimbursed_amount == part


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "12.345", "最多两位小数"),
        ("amount", "-5", "报销金额应为数字"),
        ("amount", "١٢.٣٠", "半角 0–9"),  # Arabic-Indic digits: not taken for 12.30
        ("serial", "", "业务流水号"),
        ("voucher", "凭证一", "记账凭证号"),
        ("time", "yesterday", "报销时间"),
        ("time", "2099-01-01T00:00", "不能晚于现在"),
    ],
)
def test_bad_feedback_is_refused_with_a_message_and_changes_nothing(insurer, claims, wallet_app, field, value, message):
    post(insurer, f"/unit/claims/{claims[0]}/lock")
    data = {"amount": "10.00", **FEEDBACK, field: value}
    response = post(insurer, f"/unit/claims/{claims[0]}/feedback", **data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert auth_row(wallet_app, claims[0]).state == "locked"


def test_feedback_above_the_remaining_amount_is_refused(insurer, claims, wallet_app):
    post(insurer, f"/unit/claims/{claims[0]}/lock")
    total = auth_row(wallet_app, claims[0]).bill.total
    too_much = f"{(total + 1) // 100}.{(total + 1) % 100:02d}"
    response = post(insurer, f"/unit/claims/{claims[0]}/feedback", amount=too_much, **FEEDBACK)
    assert response.status_code == 422 and "不超过剩余可报销金额" in response.get_data(as_text=True)
    assert bill_row(wallet_app, auth_row(wallet_app, claims[0]).bill_id).reimbursed_amount == 0


def test_feedback_before_locking_is_refused(insurer, claims):
    response = post(insurer, f"/unit/claims/{claims[0]}/feedback", amount="1.00", **FEEDBACK)
    assert response.status_code == 409 and "请先锁定票据" in response.get_data(as_text=True)


def test_reject_needs_a_reason_then_unlocks_the_bill(insurer, claims, wallet_app):
    post(insurer, f"/unit/claims/{claims[1]}/lock")
    missing = post(insurer, f"/unit/claims/{claims[1]}/reject", reason=" ")
    assert missing.status_code == 422 and "拒绝原因" in missing.get_data(as_text=True)
    assert post(insurer, f"/unit/claims/{claims[1]}/reject", reason="不属于本保单保障范围").status_code == 303
    auth = auth_row(wallet_app, claims[1])
    assert (auth.state, auth.end_reason, auth.open_key) == ("rejected", "不属于本保单保障范围", None)
    assert bill_row(wallet_app, auth.bill_id).reimbursement == "unreimbursed"


def test_bulk_lock_locks_every_selected_claim(insurer, claims, wallet_app):
    token = csrf_token_of(insurer.get("/unit/").get_data(as_text=True))
    response = insurer.post(
        "/unit/claims/bulk", data={"csrf_token": token, "action": "lock", "claim": [str(c) for c in claims[:2]]}
    )
    assert response.status_code == 303
    assert [auth_row(wallet_app, c).state for c in claims] == ["locked", "locked", "authorized"]
    empty = insurer.post("/unit/claims/bulk", data={"csrf_token": token, "action": "lock"})
    assert empty.status_code == 400 and "请先勾选" in empty.get_data(as_text=True)


def test_export_gives_processed_claims_as_csv_for_excel(insurer, claims, wallet_app):
    post(insurer, f"/unit/claims/{claims[0]}/lock")
    total = auth_row(wallet_app, claims[0]).bill.claimable
    post(insurer, f"/unit/claims/{claims[0]}/feedback", amount=f"{total // 100}.{total % 100:02d}", **FEEDBACK)
    post(insurer, f"/unit/claims/{claims[1]}/reject", reason='=HYPERLINK("x") 材料不全')
    response = insurer.get("/unit/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["授权编号", "票据代码", "票据号码"]
    by_result = {row[10]: row for row in rows[1:]}
    assert set(by_result) == {"已报销", "已拒绝"} and len(rows) == 3
    assert by_result["已报销"][11] == f"{total // 100}.{total % 100:02d}" and by_result["已报销"][12] == "BX2026000001"
    assert by_result["已拒绝"][15].startswith("'="), "a formula-looking cell is defused"
    with wallet_app.app_context():
        paid = db.session.get(Claim, claims[0]).bill
        expected = [json.loads(paid.canonical)["serial"], yuan(paid.claimable)]
    assert rows[0][18:] == ["开票业务流水号", "可报销金额（元）"]
    assert by_result["已报销"][18:] == expected
    assert insurer.get("/unit/export.csv?from=2026-13-01").status_code == 400


def test_unlocking_releases_the_bill_but_keeps_the_claim(insurer, claims, wallet_app):
    post(insurer, f"/unit/claims/{claims[2]}/lock")
    assert "解除锁定（暂不办理）" in insurer.get(f"/unit/claims/{claims[2]}").get_data(as_text=True)
    assert post(insurer, f"/unit/claims/{claims[2]}/unlock").status_code == 303
    auth = auth_row(wallet_app, claims[2])
    assert (auth.state, auth.lock_expires_at) == ("authorized", None)
    assert bill_row(wallet_app, auth.bill_id).reimbursement == "unreimbursed"
    again = post(insurer, f"/unit/claims/{claims[2]}/unlock")
    assert again.status_code == 409 and "无需解除锁定" in again.get_data(as_text=True)


def test_the_claim_page_shows_the_data_standard_fields_of_a_medical_bill(insurer, claims, wallet_app):
    with wallet_app.app_context():
        shown = [db.session.get(Claim, c) for c in claims]
        medical = next((a.id, json.loads(a.bill.canonical)) for a in shown if a.bill.type_key.startswith("medical_"))
    claim_id, document = medical
    page = plain(insurer.get(f"/unit/claims/{claim_id}").get_data(as_text=True))
    m = document["medical"]
    for text in (
        f'<dt>医疗机构类型</dt><dd lang="zh-CN">{m["institution_type"]}',
        f"<dt>病历号</dt><dd>{m['record_number']}",
        '<th scope="col">标准</th>',
        '<th scope="col">备注</th>',
        document["items"][0]["standard"],
    ):
        assert text in page, text
