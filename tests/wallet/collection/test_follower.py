"""The change-feed follower brings status changes and new bills without the resident asking."""

from __future__ import annotations

from sqlalchemy import select

from tests.support.network import persona
from wallet.extensions import db
from wallet.identity_lookup import resident_for_id_number
from wallet.models import Bill, BillEvent, SyncState
from wallet.services.collection_jobs import request_sync
from wallet.services.follower import follow_once
from wallet.services.sync import sync_person
from wallet.worker import Worker


def drain(fiscal_client) -> None:
    while follow_once(fiscal_client, resident_for_id_number):
        pass


def test_lock_at_the_network_reaches_the_wallet(wallet_app, network, resident_id, fiscal_client):
    with wallet_app.app_context():
        sync_person(resident_id, persona("p1").id_number, fiscal_client)
        drain(fiscal_client)
        bill = db.session.scalars(
            select(Bill).where(Bill.reimbursement == "unreimbursed", Bill.issuance == "normal")
        ).first()
        seq = db.session.get(SyncState, resident_id).change_seq
        response = network.platform(
            "POST",
            f"/bills/{bill.code}/{bill.number}/lock",
            json={"unit_code": "91150100MA0N12340B", "unit_name": "测试保险公司"},
        )
        assert response.status_code == 200, response.text
        drain(fiscal_client)
        db.session.refresh(bill)
        assert bill.reimbursement == "locked"
        assert db.session.get(SyncState, resident_id).change_seq > seq
        types = db.session.scalars(select(BillEvent.type).where(BillEvent.bill_id == bill.id)).all()
        assert "locked" in types


def test_new_bill_arrives_through_the_feed(wallet_app, network, resident_id, fiscal_client):
    with wallet_app.app_context():
        sync_person(resident_id, persona("p1").id_number, fiscal_client)
        drain(fiscal_client)
        issued = network.issue("p1", type_key="medical_inpatient", amount=812345)
        drain(fiscal_client)
        bill = db.session.scalar(select(Bill).where(Bill.code == issued["code"], Bill.number == issued["number"]))
        assert bill is not None and bill.total == 812345 and bill.resident_id == resident_id


def test_feed_down_then_up_applies_every_event_once(wallet_app, network, resident_id, fiscal_client):
    with wallet_app.app_context():
        sync_person(resident_id, persona("p1").id_number, fiscal_client)
        drain(fiscal_client)
        network.faults(feed_down=True)
        issued = [network.issue("p1", amount=1000 + i) for i in range(3)]
        try:
            follow_once(fiscal_client, resident_for_id_number)
        except Exception as exc:  # the follower's caller backs off; nothing was applied
            assert type(exc).__name__ == "FiscalUnavailable"
        assert (
            db.session.scalar(select(Bill).where(Bill.number == issued[0]["number"], Bill.code == issued[0]["code"]))
            is None
        )
        network.clear_faults()
        drain(fiscal_client)
        drain(fiscal_client)
        keys = db.session.execute(select(Bill.code, Bill.number).where(Bill.resident_id == resident_id)).all()
        assert len(keys) == len(set(keys)) == network.payer_bill_count("p1")
        for bill in issued:
            assert (bill["code"], bill["number"]) in keys


def test_the_follower_alone_applies_the_feed_and_leaves_syncs_to_workers(
    wallet_app, network, resident_id, fiscal_client
):
    with wallet_app.app_context():
        sync_person(resident_id, persona("p1").id_number, fiscal_client)
        drain(fiscal_client)
        request_sync(resident_id)
        issued = network.issue("p1", amount=4321)
    follower = Worker(wallet_app, run_syncs=False)
    while follower.tick():
        pass
    with wallet_app.app_context():
        assert (
            db.session.scalar(select(Bill.id).where(Bill.code == issued["code"], Bill.number == issued["number"]))
            is not None
        )
        assert db.session.get(SyncState, resident_id).state == "queued"


def test_flask_wallet_follow_is_a_command(wallet_app):
    result = wallet_app.test_cli_runner().invoke(args=["wallet", "follow", "--help"])
    assert result.exit_code == 0 and "change feed" in result.output
