"""What the resident reads around an authorization: right words for partial and full, times with
the minute, limits in their own unit, amounts as the shared filter prints them, red bills as links."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from tests.wallet.authorization.fixtures import (
    as_unit,
    auth_row,
    claimable,
    grant,
    red_reverse_and_follow,
    resident_id_of,
)
from wallet.extensions import db
from wallet.models import Bill, Notification
from wallet.services.reimbursement import Feedback, lock_claim, record_feedback

BARE_AMOUNT = re.compile(r"(?<![\d,.¥])\d{4,}\.\d\d(?!\d)")


@pytest.fixture
def granted(resident_client, wallet_app, demo_units) -> list[int]:
    rid = resident_id_of(wallet_app)
    return grant(wallet_app, rid, demo_units["insurer"], claimable(wallet_app, rid, 2))


def last_notice(wallet_app, kind: str) -> str:
    with wallet_app.app_context():
        body = db.session.scalar(
            select(Notification.body).where(Notification.kind == kind).order_by(Notification.id.desc()).limit(1)
        )
        assert body is not None, f"no {kind} notification"
        return body


def text_of(html: str) -> str:
    """The page's text as a reader sees it: cells, paragraphs and lines apart, inline markup joined."""
    apart = re.sub(r"</?(?:td|th|tr|p|li|div|dd|dt|br|h\d)\b[^>]*>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", apart))


def test_a_partial_reimbursement_is_never_called_full_and_says_each_amount_once(resident_client, granted, wallet_app):
    auth = auth_row(wallet_app, granted[0])
    as_unit(wallet_app, "insurer", lock_claim, granted[0])
    as_unit(wallet_app, "insurer", record_feedback, granted[0], Feedback(1000, "S-1", "V-1", auth.created_at))
    body = last_notice(wallet_app, "reimbursed")
    assert "全额" not in body and "部分报销" in body and body.count("¥10.00") == 1
    left = auth.bill.claimable - 1000
    assert f"剩余 ¥{left // 100:,}.{left % 100:02d}" in body
    overview = text_of(resident_client.get("/authorizations").get_data(as_text=True))
    assert "已全额报销" not in overview and "报销 ¥10.00（部分报销）" in overview


def test_the_authorization_notice_says_until_when_to_the_minute(resident_client, granted, wallet_app):
    assert re.search(r"有效期至 \d{4}-\d\d-\d\d \d\d:\d\d。", last_notice(wallet_app, "authorized"))


def test_a_limit_of_minutes_is_not_called_a_day(resident_client, wallet_app, demo_units, monkeypatch):
    monkeypatch.setitem(wallet_app.config, "AUTHORIZATION_TTL_SECONDS", 900)
    bill = claimable(wallet_app, resident_id_of(wallet_app), 1)[0]
    preview = resident_client.get(f"/authorize/{demo_units['insurer']}/preview?bill={bill}")
    page = text_of(preview.get_data(as_text=True))
    assert "授权后 15 分钟内单位未锁定" in page and "1 天" not in page


def test_item_amounts_on_the_detail_page_go_through_the_shared_filter(resident_client, wallet_app):
    rid = resident_id_of(wallet_app)
    with wallet_app.app_context():
        big = db.session.scalar(select(Bill.id).where(Bill.resident_id == rid).order_by(Bill.total.desc()).limit(1))
    html = resident_client.get(f"/bills/{big}").get_data(as_text=True)
    items = html.split('class="items"')[1].split("</table>")[0]
    cells = [text_of(c).strip() for c in re.findall(r"<td>(.*?)</td>", items, flags=re.S)]
    amounts = [c for c in cells if re.search(r"\d\.\d\d$", c)]
    assert amounts and all(re.fullmatch(r"-?¥\d{1,3}(,\d{3})*\.\d\d", a) for a in amounts), amounts
    assert not BARE_AMOUNT.findall(text_of(html)), BARE_AMOUNT.findall(text_of(html))


def test_after_a_red_reversal_the_resident_is_pointed_to_the_red_bill_not_asked_to_authorize_again(
    resident_client, granted, wallet_app, network, fiscal_client
):
    bill = auth_row(wallet_app, granted[0]).bill
    red_reverse_and_follow(network, fiscal_client, wallet_app, resident_client, bill)
    body = last_notice(wallet_app, "expired")
    assert "重新授权" not in body and "红字票据" in body
    with wallet_app.app_context():
        ref = json.loads(db.session.get(Bill, bill.id).status_json)["red_bill"]
        red = db.session.scalar(
            select(Bill).where(
                Bill.resident_id == bill.resident_id, Bill.code == ref["code"], Bill.number == ref["number"]
            )
        )
        assert red is not None and red.total < 0, "the red bill is collected with the original"
        red_id, red_code, red_number = red.id, red.code, red.number
    link = f'<a href="/bills/{red_id}">{red_code}-{red_number}</a>'
    for path in ("/notifications", "/authorizations", f"/bills/{bill.id}"):
        html = resident_client.get(path).get_data(as_text=True)
        assert link in html, path
        assert "可重新授权" not in html, path
    back = resident_client.get(f"/bills/{red_id}").get_data(as_text=True)
    assert f'<a href="/bills/{bill.id}">{bill.code}-{bill.number}</a>' in back
