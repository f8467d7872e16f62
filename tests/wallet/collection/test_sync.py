"""Collection over real HTTP between the wallet and the fiscal network stub."""

from __future__ import annotations

import dataclasses
import json

from sqlalchemy import func, select

from tests.support.network import persona
from wallet.extensions import db
from wallet.identity_lookup import id_number_of
from wallet.models import Bill, RejectedBill, SyncState
from wallet.services.collection_jobs import claim_next, request_sync, run_job
from wallet.services.signatures import keyring, signature_check
from wallet.services.sync import sync_person


def bill_count(resident_id: int) -> int:
    counted = select(func.count()).select_from(Bill).where(Bill.resident_id == resident_id)
    return db.session.execute(counted).scalar_one()


def test_first_sync_collects_every_bill_verified(wallet_app, network, resident_id, fiscal_client):
    expected = network.payer_bill_count("p1")
    with wallet_app.app_context():
        result = sync_person(resident_id, persona("p1").id_number, fiscal_client)
        bills = db.session.scalars(select(Bill).where(Bill.resident_id == resident_id)).all()
        assert result.collected == expected == len(bills) > 0
        assert len({b.province for b in bills}) >= 2, "an Inner Mongolia resident has bills from elsewhere"
        for bill in bills:
            assert signature_check(bill.canonical, bill.signature_alg, bill.signature_kid, bill.signature_value)[0]
            assert json.loads(bill.canonical)["payer"]["id_number"] == persona("p1").id_number
        assert db.session.get(SyncState, resident_id).last_synced_at is not None


def test_other_peoples_bills_are_not_collected(wallet_app, network, resident_id, fiscal_client):
    with wallet_app.app_context():
        sync_person(resident_id, persona("p1").id_number, fiscal_client)
        payers = {json.loads(b.canonical)["payer"]["id_number"] for b in db.session.scalars(select(Bill))}
    assert payers == {persona("p1").id_number}


def test_incremental_sync_fetches_only_what_is_new(wallet_app, network, resident_id, fiscal_client):
    with wallet_app.app_context():
        first = sync_person(resident_id, persona("p1").id_number, fiscal_client)
        network.issue("p1", amount=12300)
        network.issue("p1", type_key="exam_fee", amount=50000)
        second = sync_person(resident_id, persona("p1").id_number, fiscal_client)
        assert second.collected == 2
        assert bill_count(resident_id) == first.collected + 2
        assert sync_person(resident_id, persona("p1").id_number, fiscal_client).collected == 0


def test_forged_bill_is_rejected_counted_and_not_stored(wallet_app, network, resident_id, fiscal_client):
    with wallet_app.app_context():
        before = sync_person(resident_id, persona("p1").id_number, fiscal_client).collected
        network.faults(forge_next_signature=True)
        forged = network.issue("p1", amount=99900)
        result = sync_person(resident_id, persona("p1").id_number, fiscal_client)
        assert result.collected == 0 and result.rejected == 1
        assert bill_count(resident_id) == before
        assert (
            db.session.scalar(select(Bill).where(Bill.number == forged["number"], Bill.code == forged["code"])) is None
        )
        rejected = db.session.scalars(select(RejectedBill)).all()
        assert [(r.code, r.number) for r in rejected] == [(forged["code"], forged["number"])]
        assert rejected[0].reason in {"bad_signature", "unknown_key"}
        assert db.session.get(SyncState, resident_id).rejected == 1


def test_network_down_then_up_loses_and_duplicates_nothing(wallet_app, network, resident_id, fiscal_client):
    with wallet_app.app_context():
        request_sync(resident_id)
        network.faults(error_rate=1.0)
        assert claim_next("w1") == resident_id
        assert run_job(resident_id, id_number_of, fiscal_client) is False
        state = db.session.get(SyncState, resident_id)
        assert state.state == "failed" and state.attempts == 1 and "暂时无法访问" in state.last_error
        assert claim_next("w1") is None, "a failed sync waits for its backoff"

        network.clear_faults()
        network.issue("p1", amount=4200)
        state.next_attempt_at = state.next_attempt_at.replace(year=2000)
        db.session.commit()
        assert claim_next("w1") == resident_id
        assert run_job(resident_id, id_number_of, fiscal_client) is True
        codes = db.session.execute(select(Bill.code, Bill.number).where(Bill.resident_id == resident_id)).all()
        assert len(codes) == len(set(codes)) == network.payer_bill_count("p1")
        assert db.session.get(SyncState, resident_id).state == "done"


def test_two_workers_never_claim_the_same_resident(wallet_app, network, resident_id):
    with wallet_app.app_context():
        request_sync(resident_id)
        assert claim_next("w1") == resident_id
        assert claim_next("w2") is None


def shown(resident_id: int) -> tuple[str, int, int]:
    """What the bill list shows of the sync (its state and count), and the change sequence."""
    db.session.expire_all()
    state = db.session.get_one(SyncState, resident_id)
    seen = (state.state, state.progress, state.change_seq)
    db.session.commit()
    return seen


def test_every_step_of_a_sync_the_list_shows_moves_the_change_sequence(wallet_app, network, resident_id, fiscal_client):
    """Open lists learn of a sync failing, being retried and ending from the live channel, as of a
    changed bill; and a new sync counts the bills it receives from zero."""
    with wallet_app.app_context():
        request_sync(resident_id)
        assert claim_next("w1") == resident_id
        assert run_job(resident_id, id_number_of, fiscal_client) is True
        state, progress, seq = shown(resident_id)
        assert (state, progress) == ("done", network.payer_bill_count("p1"))

        network.issue("p1", amount=4200)
        request_sync(resident_id)
        # Queued by the 刷新 button, whose answer shows it: a new sync, counting from zero.
        assert shown(resident_id) == ("queued", 0, seq)

        network.faults(error_rate=1.0)
        assert claim_next("w1") == resident_id
        assert run_job(resident_id, id_number_of, fiscal_client) is False
        assert shown(resident_id) == ("failed", 0, seq + 1)

        network.clear_faults()
        state_row = db.session.get_one(SyncState, resident_id)
        state_row.next_attempt_at = state_row.next_attempt_at.replace(year=2000)
        db.session.commit()
        assert claim_next("w1") == resident_id
        assert run_job(resident_id, id_number_of, fiscal_client) is True
        # The retry starting (the failure notice gives way), its page with the new bill, and its end.
        assert shown(resident_id) == ("done", 1, seq + 4)


def test_a_signature_that_held_is_not_checked_again_yet_changed_bytes_are(
    wallet_app, network, resident_id, fiscal_client, monkeypatch
):
    with wallet_app.app_context():
        sync_person(resident_id, persona("p1").id_number, fiscal_client)
        bill = db.session.scalars(select(Bill).where(Bill.resident_id == resident_id).order_by(Bill.id)).first()
        signed = (bill.signature_alg, bill.signature_kid, bill.signature_value)
        ok, key = signature_check(bill.canonical, *signed)
        assert ok
        verified: list[bytes] = []

        class Counting:
            def verify(self, signature, data, algorithm):
                verified.append(data)
                return key.key.verify(signature, data, algorithm)

        monkeypatch.setitem(keyring._keys, key.kid, dataclasses.replace(key, key=Counting()))
        assert signature_check(bill.canonical, *signed)[0] and verified == []
        altered = bill.canonical.replace(b'"total":', b'"total": ', 1)
        assert altered != bill.canonical
        assert not signature_check(altered, *signed)[0] and verified == [altered]
        assert not signature_check(bill.canonical, signed[0], signed[1], signed[2][:-4] + "AAAA")[0]
