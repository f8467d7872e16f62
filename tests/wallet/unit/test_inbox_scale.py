"""The unit inbox built for a unit's real volume: kept counts, keyset pages, exact-match search, a streamed export."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from common.timeutil import utcnow
from tests.support.network import persona
from tests.wallet.authorization.fixtures import age, auth_row, claimable, collect, grant
from tests.wallet.unit.test_file_mode import act, take_in, verify_elements
from tests.wallet.unit.test_workspace import FEEDBACK
from wallet.extensions import db
from wallet.identity import mask_name
from wallet.models.claim import Claim
from wallet.models.claim_count import UnitClaimCount
from wallet.services import unit_inbox
from wallet.services.authorizations import revoke, sweep
from wallet.services.deactivation import deactivate

TOTAL = re.compile(r'data-testid="claim-total">(.*?)</p>')
NEXT = re.compile(r'href="(/unit/\?[^"]*after=[^"]+)"[^>]*data-testid="next-page"')
ROW = re.compile(r'name="claim" value="(\d+)"')


@pytest.fixture
def claims(wallet_app, collected, demo_units, network, fiscal_client) -> list[int]:
    for amount in (31_250, 8_800):
        network.issue("p1", amount=amount)
    collect(wallet_app, fiscal_client, "p1")
    bills = claimable(wallet_app, collected, 5)
    return grant(wallet_app, collected, demo_units["insurer"], bills, claim_ref="LP-2026-0042")


def kept_and_fresh(wallet_app) -> tuple[dict, dict]:
    with wallet_app.app_context():
        kept = {
            (u, s): n
            for u, s, n in db.session.execute(select(UnitClaimCount.unit_id, UnitClaimCount.state, UnitClaimCount.n))
            if n
        }
        fresh = dict(
            ((u, s), n)
            for u, s, n in db.session.execute(
                select(Claim.unit_id, Claim.state, func.count()).group_by(Claim.unit_id, Claim.state)
            )
        )
    return kept, fresh


def total_of(html: str) -> str:
    match = TOTAL.search(html)
    assert match, "the inbox shows how many"
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_kept_counts_equal_a_fresh_count_after_a_mix_of_actions(insurer, claims, wallet_app, network, collected):
    act(insurer, claims[0], "lock")
    amount = auth_row(wallet_app, claims[0]).bill.claimable
    act(insurer, claims[0], "feedback", amount=f"{amount // 100}.{amount % 100:02d}", **FEEDBACK)
    act(insurer, claims[1], "lock")
    act(insurer, claims[1], "reject", reason="材料不全")
    act(insurer, claims[2], "lock")
    act(insurer, claims[2], "unlock")
    with wallet_app.app_context():
        revoke(collected, claims[3])
    age(wallet_app, claims[4], expires_at=60)
    with wallet_app.app_context():
        assert sweep(unit_id=auth_row(wallet_app, claims[4]).unit_id) == 1
    take_in(insurer, verify_elements(insurer, network.issue("p1", amount=25630)))
    unit = auth_row(wallet_app, claims[0]).unit_id
    kept, fresh = kept_and_fresh(wallet_app)
    assert kept == fresh
    assert fresh == {
        (unit, s): n for s, n in (("authorized", 2), ("reimbursed", 1), ("rejected", 1), ("revoked", 1), ("expired", 1))
    }
    assert total_of(insurer.get("/unit/").get_data(as_text=True)) == "共 2 条"

    with wallet_app.app_context():
        deactivate(collected)  # erasing the resident deletes their open and ended account claims in bulk
    kept, fresh = kept_and_fresh(wallet_app)
    assert kept == fresh == {(unit, "authorized"): 1, (unit, "reimbursed"): 1}


def test_the_inbox_pages_by_a_cursor_in_the_page_and_in_the_htmx_partial(insurer, claims, monkeypatch):
    monkeypatch.setattr(unit_inbox, "PAGE_SIZE", 2)
    first = insurer.get("/unit/").get_data(as_text=True)
    assert total_of(first) == "共 5 条"
    seen = ROW.findall(first)
    link = NEXT.search(first)
    assert link and "page=" not in link.group(1) and "offset" not in link.group(1)
    partial = insurer.get(link.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in partial and "回到第一页" in partial
    seen += ROW.findall(partial)
    last_link = NEXT.search(partial)
    assert last_link
    last = insurer.get(last_link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    seen += ROW.findall(last)
    assert NEXT.search(last) is None
    assert seen == [str(c) for c in sorted(claims, reverse=True)], "newest first, each claim once"
    refused = insurer.get("/unit/?after=yesterday")
    assert refused.status_code == 400 and "翻页位置无效" in refused.get_data(as_text=True)


def search(client, q: str) -> str:
    return client.get("/unit/", query_string={"q": q, "status": "all"}).get_data(as_text=True)


def test_search_finds_claims_by_name_code_number_reference_and_amount(insurer, claims, wallet_app):
    bill = auth_row(wallet_app, claims[2]).bill
    with wallet_app.app_context():
        same_code = db.session.scalar(select(func.count()).where(Claim.bill_code == bill.code)) or 0
        same_number = db.session.scalar(select(func.count()).where(Claim.bill_number == bill.number)) or 0
        same_total = db.session.scalar(select(func.count()).where(Claim.bill_total == bill.total)) or 0
    by_name = search(insurer, persona("p1").name)
    assert total_of(by_name) == "共 5 条"
    assert by_name.count(f'data-testid="claimant">{mask_name(persona("p1").name)}<') == 5, "shown masked"
    assert total_of(search(insurer, f" {persona('p1').name[0]} {persona('p1').name[1:]} ")) == "共 5 条"
    assert total_of(search(insurer, f"{bill.code}-{bill.number}")) == "共 1 条"
    assert total_of(search(insurer, bill.number)) == f"共 {same_number} 条"
    assert total_of(search(insurer, bill.code)) == f"共 {same_code} 条"
    assert total_of(search(insurer, "LP-2026-0042")) == "共 5 条"
    amount = f"{bill.total // 100}.{bill.total % 100:02d}"
    for typed in (amount, f"¥{amount}", f"{amount}元"):
        found = search(insurer, typed)
        assert total_of(found) == f"共 {same_total} 条" and f"{bill.code}-{bill.number}" in found


def test_a_search_that_finds_nothing_or_cannot_be_read_says_so_in_chinese(insurer, claims):
    nothing = search(insurer, "张三丰")
    assert (
        total_of(nothing) == "共 0 条" and "没有找到与“张三丰”相符的票据" in nothing and "票据代码（8 位）" in nothing
    )
    malformed = insurer.get("/unit/?q=12.345")
    assert malformed.status_code == 400 and "金额“12.345”无法识别" in malformed.get_data(as_text=True)
    typing = insurer.get("/unit/?q=12.345", headers={"HX-Request": "true"})
    assert typing.status_code == 200 and 'data-testid="search-error"' in typing.get_data(as_text=True)


def test_a_narrowed_list_counts_no_further_than_the_cap(insurer, claims, monkeypatch):
    monkeypatch.setattr(unit_inbox, "COUNT_CAP", 3)
    assert total_of(search(insurer, "LP-2026-0042")) == "超过 3 条"
    assert total_of(insurer.get("/unit/").get_data(as_text=True)) == "共 5 条", "the kept count has no cap"


def test_a_large_export_is_streamed_in_batches_and_complete(insurer, claims, wallet_app, demo_units):
    closed = utcnow() - timedelta(days=1)
    with wallet_app.app_context():
        model = db.session.get_one(Claim, claims[0])
        rows = [
            {
                "source": "account",
                "unit_id": model.unit_id,
                "state": "rejected",
                "resident_id": model.resident_id,
                "receipt_id": model.receipt_id,
                "bill_id": model.bill_id,
                "claim_ref": f"BULK-{n:05d}",
                "created_at": closed,
                "expires_at": closed,
                "closed_at": closed + timedelta(microseconds=n),
                "end_reason": "材料不全",
            }
            for n in range(1234)
        ]
        db.session.execute(insert(Claim), rows)
        db.session.commit()
    response = insurer.get("/unit/export.csv")
    assert response.status_code == 200 and response.is_streamed
    pieces = list(response.response)
    assert len(pieces) == 1 + -(-1234 // unit_inbox.EXPORT_BATCH), "the header, then one piece per batch"
    table = list(csv.reader(io.StringIO(b"".join(pieces).decode("utf-8-sig"))))
    assert len(table) == 1 + 1234
    assert sorted(row[9] for row in table[1:]) == [f"BULK-{n:05d}" for n in range(1234)]
