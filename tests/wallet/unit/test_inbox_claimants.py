"""The clerk's inbox names who claims (masked), the amount and the claim reference; unit pages
address the clerk, not the resident."""

from __future__ import annotations

import re

import pytest

from tests.support.network import persona
from tests.wallet.authorization.fixtures import auth_row, claimable, grant
from wallet.identity import mask_name


@pytest.fixture
def claims(wallet_app, collected, demo_units) -> list[int]:
    bills = claimable(wallet_app, collected, 2)
    return grant(wallet_app, collected, demo_units["insurer"], bills, claim_ref="LP-2026-0042")


def row_of(html: str, code: str, number: str) -> str:
    match = re.search(rf'<tr data-claim="{code}-{number}">(.*?)</tr>', html, re.S)
    assert match, f"no inbox row for {code}-{number}"
    return match.group(1)


def cell(row: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">(.*?)</td>', row, re.S)
    assert match, f"no {testid} cell"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_each_inbox_row_shows_the_masked_claimant_the_amount_and_the_claim_reference(insurer, claims, wallet_app):
    html = insurer.get("/unit/").get_data(as_text=True)
    assert '<th scope="col">申请人</th>' in html
    name = persona("p1").name
    for auth_id in claims:
        bill = auth_row(wallet_app, auth_id).bill
        row = row_of(html, bill.code, bill.number)
        assert cell(row, "claimant") == mask_name(name)
        assert name not in row, "the claimant's full name stays off the list"
        whole, cents = divmod(bill.total, 100)
        assert cell(row, "amount") == f"¥{whole:,}.{cents:02d}"
        assert cell(row, "claim-ref") == "LP-2026-0042"


def test_the_claim_page_addresses_the_clerk_not_the_resident(insurer, claims):
    html = insurer.get(f"/unit/claims/{claims[0]}").get_data(as_text=True)
    assert "本单位只能看到居民授权给本单位的票据" in html
    assert "您的其他票据" not in html and "看不到您" not in html
