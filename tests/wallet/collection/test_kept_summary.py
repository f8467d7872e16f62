"""The kept ``bill_summaries`` equal a fresh count of the bills after every kind of change."""

from __future__ import annotations

from collections import Counter

from flask_babel import force_locale
from sqlalchemy import select

from common.i18n import MONGOLIAN
from common.timeutil import utcnow
from fiscal_stub.extensions import db as fiscal_db
from fiscal_stub.services.issuing import red_reverse
from tests.support.network import persona
from wallet.extensions import db
from wallet.identity_lookup import resident_for_id_number
from wallet.models import Bill, BillSummary, SyncState
from wallet.services import bill_store, bill_summary
from wallet.services.follower import follow_once
from wallet.services.sync import sync_person


def kept(resident_id: int) -> Counter:
    rows = db.session.scalars(select(BillSummary).where(BillSummary.resident_id == resident_id))
    return Counter(
        {
            (r.issue_year, r.type_key, r.type_name, r.province, r.issuance, r.reimbursement): (
                r.bills,
                r.amount,
                r.positive_bills,
                r.claimable_left,
            )
            for r in rows
        }
    )


def counted(resident_id: int) -> Counter:
    """The same groups counted by hand from the bills themselves."""
    groups: dict[tuple, list[int]] = {}
    for b in db.session.scalars(select(Bill).where(Bill.resident_id == resident_id)):
        tally = groups.setdefault(
            (b.issue_year, b.type_key, b.type_name, b.province, b.issuance, b.reimbursement), [0] * 4
        )
        tally[0] += 1
        tally[1] += b.total
        if b.total > 0:
            tally[2] += 1
            tally[3] += max(b.claimable - b.reimbursed_amount, 0)
    return Counter({key: tuple(tally) for key, tally in groups.items()})


def facets_kept(resident_id: int) -> bool:
    """The filter choices kept in the sync state are those the summary gives now."""
    sync = db.session.get(SyncState, resident_id)
    assert sync is not None and sync.facets is not None
    db.session.refresh(sync)
    return bill_summary.facets(resident_id, sync) == bill_summary.facets(resident_id)


def drain(fiscal_client) -> None:
    while follow_once(fiscal_client, resident_for_id_number):
        pass


def test_the_kept_summary_follows_syncs_the_feed_and_red_reversals(wallet_app, network, resident_id, fiscal_client):
    with wallet_app.app_context():
        sync_person(resident_id, persona("p1").id_number, fiscal_client)
        first = kept(resident_id)
        assert first and first == counted(resident_id)
        assert facets_kept(resident_id)

        bill = db.session.scalars(
            select(Bill).where(
                Bill.resident_id == resident_id,
                Bill.issuance == "normal",
                Bill.reimbursement == "unreimbursed",
                Bill.total > 0,
            )
        ).first()
        assert bill is not None
        lock = {"unit_code": "91150100MA0N12340B", "unit_name": "测试保险公司"}
        assert network.platform("POST", f"/bills/{bill.code}/{bill.number}/lock", json=lock).status_code == 200
        feedback = {
            "unit_code": lock["unit_code"],
            "result": "reimbursed",
            "amount": 100,
            "serial": "K-1",
            "time": utcnow().isoformat(),
            "voucher": "V-1",
        }
        reply = network.platform("POST", f"/bills/{bill.code}/{bill.number}/feedback", json=feedback)
        assert reply.status_code == 200, reply.text
        issued = network.issue("p1", amount=4321)
        drain(fiscal_client)
        assert kept(resident_id) == counted(resident_id)
        assert facets_kept(resident_id)

        with network.app.app_context():
            red_reverse(fiscal_db.session, issued["code"], issued["number"], "金额有误", utcnow())
            fiscal_db.session.commit()
        drain(fiscal_client)
        sync_person(resident_id, persona("p1").id_number, fiscal_client)  # a replayed page changes nothing twice
        after = kept(resident_id)
        assert after != first
        assert after == counted(resident_id)
        assert facets_kept(resident_id)
        assert sum(bills for bills, *_ in after.values()) == sum(bills for bills, *_ in first.values()) + 2


def test_an_older_or_equal_status_leaves_the_summary_alone(wallet_app, network, resident_id, fiscal_client):
    with wallet_app.app_context():
        sync_person(resident_id, persona("p1").id_number, fiscal_client)
        bill = db.session.scalars(
            select(Bill).where(Bill.resident_id == resident_id, Bill.reimbursement == "unreimbursed", Bill.total > 0)
        ).first()
        assert bill is not None
        before = kept(resident_id)
        stale = {"issuance": "normal", "reimbursement": "reimbursed", "reimbursed_amount": bill.total}
        assert not bill_store.apply_status(bill.id, stale, bill.version)
        db.session.commit()
        assert kept(resident_id) == before
        assert bill_store.apply_status(bill.id, stale, bill.version + 1)
        db.session.commit()
        assert kept(resident_id) != before
        assert kept(resident_id) == counted(resident_id)


def test_a_status_and_a_bump_written_as_rows_reach_the_objects_the_request_holds(
    wallet_app, network, resident_id, fiscal_client
):
    """The writers run statements built once, not ORM updates: a bill or sync state already loaded
    in the same session must still read what was written, not what it held before."""
    with wallet_app.app_context():
        sync_person(resident_id, persona("p1").id_number, fiscal_client)
        bill = db.session.scalars(
            select(Bill).where(Bill.resident_id == resident_id, Bill.reimbursement == "unreimbursed", Bill.total > 0)
        ).first()
        sync = db.session.get(SyncState, resident_id)
        assert bill is not None and sync is not None
        seq, unread = sync.change_seq, sync.unread_notifications
        paid = {"issuance": "normal", "reimbursement": "reimbursed", "reimbursed_amount": bill.total}
        assert bill_store.apply_status(bill.id, paid, bill.version + 1)
        bill_store.bump_change_seq(resident_id, unread="notice")
        assert (bill.reimbursement, bill.reimbursed_amount) == ("reimbursed", bill.total)
        assert (sync.change_seq, sync.unread_notifications) == (seq + 1, unread + 1)
        bill_store.bump_change_seq(resident_id, unread="all_read")
        assert (sync.change_seq, sync.unread_notifications) == (seq + 2, 0)
        db.session.commit()


def test_kept_choices_are_labelled_in_the_language_of_the_page(wallet_app, network, resident_id, fiscal_client):
    with wallet_app.app_context():
        sync_person(resident_id, persona("p1").id_number, fiscal_client)
        sync = db.session.get(SyncState, resident_id)
    with wallet_app.test_request_context("/"):
        chinese = bill_summary.facets(resident_id, sync)
        with force_locale(MONGOLIAN):
            mongolian = bill_summary.facets(resident_id, sync)
        assert bill_summary.facets(resident_id, sync) == chinese
    assert [v for v, _ in mongolian.years] == [v for v, _ in chinese.years]
    assert chinese.years[0][1].endswith("年") and "年" not in mongolian.years[0][1]
    assert ("15", "内蒙古") in chinese.provinces and ("15", "内蒙古") not in mongolian.provinces
