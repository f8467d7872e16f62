"""A resident authorizes bills to a unit: choose the unit, select eligible bills, preview, confirm with face
verification."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_of
from tests.support.tokens import plain
from tests.wallet.auth.flows import back_from_stub
from tests.wallet.authorization.fixtures import (
    auth_row,
    claimable,
    demo_login,
    form_token,
    grant,
    resident_id_of,
    unit_http_login,
)
from wallet.demo import demo_unit
from wallet.extensions import db
from wallet.models import Bill, Claim, Notification

RECEIPT = re.compile(r"/authorizations/receipts/(\d+)$")


@pytest.fixture
def resident(resident_client):
    return resident_client


def face_verified(client, stub_browser, next_path: str = "/authorizations") -> None:
    back = back_from_stub(client, f"/auth/step-up?next={next_path}", http=stub_browser)
    assert back.status_code == 302


def test_units_are_found_by_name_credit_code_and_type(resident):
    by_name = resident.get("/authorize?q=北疆人寿").get_data(as_text=True)
    assert "北疆人寿保险股份有限公司内蒙古分公司" in by_name and "内蒙古自治区医疗保障事业中心" not in by_name
    by_code = resident.get(f"/authorize?q={demo_unit('agency').credit_code.lower()}").get_data(as_text=True)
    assert "内蒙古自治区医疗保障事业中心" in by_code and "北疆人寿" not in by_code
    by_type = resident.get("/authorize?type=medical_insurance", headers={"HX-Request": "true"})
    partial = by_type.get_data(as_text=True)
    assert "<html" not in partial and "医疗保障事业中心" in partial and "青城数字科技" not in partial
    assert resident.get("/authorize?type=bank").status_code == 400


def test_recently_used_units_come_first(resident, wallet_app, demo_units):
    rid = resident_id_of(wallet_app)
    grant(wallet_app, rid, demo_units["employer"], claimable(wallet_app, rid, 1))
    html = resident.get("/authorize").get_data(as_text=True)
    recent = html.split('id="h-recent"')[1].split("</section>")[0]
    assert "呼和浩特青城数字科技有限公司" in recent and "北疆人寿" not in recent


def test_selection_list_says_why_a_bill_cannot_be_authorized(resident, wallet_app, demo_units):
    rid = resident_id_of(wallet_app)
    held = claimable(wallet_app, rid, 1)[0]
    grant(wallet_app, rid, demo_units["agency"], [held])
    with wallet_app.app_context():
        red = db.session.scalar(select(Bill).where(Bill.resident_id == rid, Bill.issuance == "red_reversed"))
        paper = db.session.scalar(select(Bill).where(Bill.resident_id == rid, Bill.issuance == "exchanged"))
        paid = db.session.scalar(select(Bill).where(Bill.resident_id == rid, Bill.reimbursement == "reimbursed"))
        taken = db.session.get(Bill, held)
    html = htmllib.unescape(resident.get(f"/authorize/{demo_units['insurer']}?q=").get_data(as_text=True))

    def row(bill: Bill) -> str:
        return html.split(f'data-bill="{bill.code}-{bill.number}"')[1].split("</li>")[0]

    assert "disabled" in row(red) and "已冲红作废" in row(red)
    assert "disabled" in row(paper) and "已换开为纸质票据" in row(paper)
    assert "disabled" in row(paid) and "已全额报销" in row(paid)
    assert "disabled" in row(taken) and "已授权给内蒙古自治区医疗保障事业中心" in row(taken)


def test_preview_shows_what_the_unit_will_see_and_confirming_needs_face_verification(
    resident, wallet_app, demo_units, stub_browser
):
    rid = resident_id_of(wallet_app)
    bills = claimable(wallet_app, rid, 2)
    unit = demo_units["insurer"]
    query = "&".join(f"bill={b}" for b in bills) + "&claim_ref=LP-001&note=请尽快处理"
    preview = resident.get(f"/authorize/{unit}/preview?{query}")
    page = plain(preview.get_data(as_text=True))
    assert preview.status_code == 200 and "该单位将看到（共 2 张）" in page
    assert "乌日娜（1501**********110X）" in page and "LP-001" in page and "请尽快处理" in page
    request_id = re.search(r'name="request_id" value="([^"]+)"', page).group(1)
    form = {
        "csrf_token": csrf_token_of(page),
        "request_id": request_id,
        "bill": [str(b) for b in bills],
        "claim_ref": "LP-001",
        "note": "请尽快处理",
    }
    asked = resident.post(f"/authorize/{unit}/confirm", data=form)
    assert asked.status_code == 303 and asked.headers["Location"].startswith("/auth/step-up?next=/authorize/confirmed/")
    with wallet_app.app_context():
        assert db.session.scalar(select(Claim.id)) is None
    back = back_from_stub(resident, asked.headers["Location"], http=stub_browser)
    assert back.status_code == 302 and back.headers["Location"].startswith("/authorize/confirmed/")
    done = resident.get(back.headers["Location"])
    assert done.status_code == 303 and RECEIPT.search(done.headers["Location"]), "no second press of 确认授权"
    twice = resident.post(f"/authorize/{unit}/confirm", data=form)
    assert twice.headers["Location"] == done.headers["Location"], "the same confirmation gives the same receipt"
    with wallet_app.app_context():
        rows = db.session.scalars(select(Claim).order_by(Claim.bill_id)).all()
        assert [(a.bill_id, a.unit_id, a.state, a.claim_ref) for a in rows] == [
            (b, unit, "authorized", "LP-001") for b in sorted(bills)
        ]
        assert db.session.scalar(select(Notification.title)) == "授权成功"
    receipt = resident.get(done.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="receipt-signature">✓ 签名有效' in receipt and "蒙速办人脸核验" in receipt


def test_confirming_a_bill_already_authorized_elsewhere_is_refused(resident, wallet_app, demo_units, stub_browser):
    rid = resident_id_of(wallet_app)
    bill = claimable(wallet_app, rid, 1)[0]
    grant(wallet_app, rid, demo_units["agency"], [bill])
    face_verified(resident, stub_browser)
    page = resident.get("/authorizations").get_data(as_text=True)
    response = resident.post(
        f"/authorize/{demo_units['insurer']}/confirm",
        data={"csrf_token": csrf_token_of(page), "request_id": "r" * 24, "bill": [str(bill)]},
    )
    assert response.status_code == 409 and "已授权给内蒙古自治区医疗保障事业中心" in response.get_data(as_text=True)
    with wallet_app.app_context():
        assert db.session.scalar(select(Claim.unit_id).where(Claim.bill_id == bill)) == demo_units["agency"]


def test_the_remainder_of_a_partly_reimbursed_bill_goes_to_a_second_unit(wallet_app, collected, demo_units, system):
    bill = claimable(wallet_app, collected, 1, minimum=10000)[0]
    first = grant(wallet_app, collected, demo_units["insurer"], [bill])[0]
    insurer = unit_http_login(system.url, demo_login("insurer"))
    token = form_token(insurer.get(f"{system.url}/unit/claims/{first}", timeout=10).text)
    assert insurer.post(f"{system.url}/unit/claims/{first}/lock", data={"csrf_token": token}, timeout=10).ok
    bore = auth_row(wallet_app, first).bill.claimable
    insurer.post(
        f"{system.url}/unit/claims/{first}/feedback",
        timeout=10,
        data={"csrf_token": token, "amount": "60.00", "serial": "A-1", "voucher": "V-1", "time": "2026-03-06T09:30"},
    )
    second = grant(wallet_app, collected, demo_units["agency"], [bill])[0]
    agency_view = auth_row(wallet_app, second)
    assert agency_view.state == "authorized" and agency_view.bill.reimbursed_amount == 6000
    agency = unit_http_login(system.url, demo_login("agency"))
    page = plain(agency.get(f"{system.url}/unit/claims/{second}", timeout=10).text)
    left = bore - 6000
    assert f'data-testid="remaining">¥{left // 100:,}.{left % 100:02d}' in page
