"""The duplicate guard at import: a bill already in the wallet is answered from the wallet, and a bill a unit
locked or booked is not taken in as a new one — the result names the unit and the time, and nothing is stored."""

from __future__ import annotations

import re
from datetime import timedelta

from common.timeutil import utcnow
from tests.conftest import csrf_token_of
from tests.wallet.imports.bills import fields_of, qr_text_of
from tests.wallet.imports.conftest import stored_bills
from tests.wallet.imports.test_import_typed import confirm_token, post_elements

UNIT = {"unit_code": "91150100MA0N12340B", "unit_name": "测试保险公司"}


def words(html: str) -> str:
    """The page's text as read, without its markup."""
    return re.sub(r"<[^>]+>", "", html)


def add(resident, item) -> int:
    html = post_elements(resident, fields_of(item)).get_data(as_text=True)
    added = resident.post("/import/confirm", data={"csrf_token": csrf_token_of(html), "token": confirm_token(html)})
    return int(added.headers["Location"].rsplit("/", 1)[1])


def lock(net, item) -> None:
    assert net.platform("POST", f"/bills/{item['code']}/{item['number']}/lock", json=UNIT).status_code == 200


def book(net, item, amount: int) -> None:
    feedback = {**UNIT, "result": "reimbursed", "amount": amount, "serial": "LS-7", "voucher": "PZ-7"}
    feedback["time"] = (utcnow() - timedelta(minutes=5)).isoformat()
    reply = net.platform("POST", f"/bills/{item['code']}/{item['number']}/feedback", json=feedback)
    assert reply.status_code == 200, reply.text


def test_five_elements_of_a_bill_in_the_wallet_are_answered_from_the_wallet(resident, net, wallet_app):
    item = net.issue("p1", amount=4560)
    bill_id = add(resident, item)
    net.faults(error_rate=1.0)  # the network is not asked: it could not answer
    page = post_elements(resident, fields_of(item, check=fields_of(item)["check"].upper()))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "已在票据夹中" in html and "这张票据已在您的票据夹中" in html
    assert f'href="/bills/{bill_id}"' in html and 'name="token"' not in html and "¥45.60" in html

    scanned = resident.post(
        "/import/qr", data={"csrf_token": csrf_token_of(html), "qr_text": qr_text_of(item, "https://x.example")}
    ).get_data(as_text=True)
    assert "已在票据夹中" in scanned and f'href="/bills/{bill_id}"' in scanned
    assert [b.id for b in stored_bills(wallet_app)] == [bill_id]


def test_elements_that_differ_from_the_wallets_copy_go_to_the_network(resident, net, wallet_app):
    item = net.issue("p1", amount=4560)
    add(resident, item)
    page = post_elements(resident, fields_of(item, amount="45.61"))
    assert page.status_code == 422 and "不一致" in page.get_data(as_text=True)


def test_a_bill_a_unit_holds_locked_is_not_imported_and_the_unit_is_named(resident, net, wallet_app):
    item = net.issue("p1", amount=12000)
    lock(net, item)
    page = post_elements(resident, fields_of(item))
    html = page.get_data(as_text=True)
    assert page.status_code == 409
    assert 'data-testid="held-by"' in html and "测试保险公司正在办理报销，已锁定至 20" in words(html)
    assert "票据真实有效" in html and 'name="token"' not in html and "加入票据夹</button>" not in html
    assert stored_bills(wallet_app) == []


def test_a_bill_a_unit_booked_says_who_when_and_how_much(resident, net, wallet_app):
    item = net.issue("p1", amount=12000)
    lock(net, item)
    book(net, item, 100)
    html = post_elements(resident, fields_of(item)).get_data(as_text=True)
    assert re.search(r"测试保险公司已于 20\d\d-\d\d-\d\d \d\d:\d\d 入账报销 ¥1\.00", words(html))
    assert "不能作为新票据再导入" in html and stored_bills(wallet_app) == []


def test_a_lock_between_the_result_and_the_confirmation_stops_the_import(resident, net, wallet_app):
    item = net.issue("p1", amount=12000)
    html = post_elements(resident, fields_of(item)).get_data(as_text=True)
    lock(net, item)
    added = resident.post("/import/confirm", data={"csrf_token": csrf_token_of(html), "token": confirm_token(html)})
    refused = added.get_data(as_text=True)
    assert added.status_code == 409 and "不能加入票据夹" in refused and "测试保险公司正在办理报销" in refused
    assert stored_bills(wallet_app) == []
