"""Red-reversed, red and exchanged bills can be kept in the wallet, and always read as not reimbursable."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token_of
from tests.wallet.imports.bills import exchange, fields_of, red_reverse
from tests.wallet.imports.conftest import stored_bills
from tests.wallet.imports.test_import_typed import confirm_token, post_elements


def red_reversed(net):
    return red_reverse(net, net.issue("p1", amount=25630))[0]


def red_bill(net):
    return red_reverse(net, net.issue("p1", amount=25630))[1]


def exchanged(net):
    return exchange(net, net.issue("p1", amount=25630))


@pytest.mark.parametrize(
    "make, chip, amount",
    [
        pytest.param(red_reversed, "已冲红", "¥256.30", id="red-reversed"),
        pytest.param(red_bill, "红字票据", "-¥256.30", id="red-bill"),
        pytest.param(exchanged, "已换开纸质", "¥256.30", id="exchanged"),
    ],
)
def test_a_bill_that_cannot_be_reimbursed_is_added_and_says_so(resident, net, wallet_app, make, chip, amount):
    item = make(net)
    html = post_elements(resident, fields_of(item)).get_data(as_text=True)
    assert "票据真实有效" in html and amount in html
    assert f'data-testid="status-chip">{chip}<' in html
    assert f"这张票据{chip}，不能用于报销；仍可加入票据夹留存备查。" in html

    added = resident.post("/import/confirm", data={"csrf_token": csrf_token_of(html), "token": confirm_token(html)})
    [bill] = stored_bills(wallet_app)
    assert (bill.code, bill.number, bill.source) == (item["code"], item["number"], "imported")
    detail = resident.get(added.headers["Location"]).get_data(as_text=True)
    assert f'data-testid="status-chip">{chip}<' in detail
    assert "可报销" not in detail


def test_an_ordinary_bill_carries_no_warning(resident, net):
    html = post_elements(resident, fields_of(net.issue("p1"))).get_data(as_text=True)
    assert 'data-testid="status-chip">可报销<' in html and "不能用于报销" not in html
