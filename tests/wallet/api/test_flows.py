"""The integration API end to end, through the reference client against the live server."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from clients.reference_client import WalletApiClient, new_unit_keys
from tests.wallet.api.jwks_server import jwks_server  # noqa: F401  (fixture)
from tests.wallet.api.state import claim_state, snapshot
from wallet.extensions import db
from wallet.models import ApiCredential, ApiIdempotentReply, UnitUser
from wallet.services.api_credentials import register_unit_keys
from wallet.services.signatures import signature_check

BEIJING = timezone(timedelta(hours=8))


def now_beijing() -> str:
    return datetime.now(BEIJING).replace(microsecond=0).isoformat()


def test_list_lock_feedback_reimburses_the_bill_at_the_network(api, api_world, wallet_app, fiscal_client):
    items = api.list_authorizations().data["items"]
    claim = next(i for i in items if i["id"] == api_world.claims[0])
    bill = claim["bill"]
    assert claim["state"] == "authorized" and bill["remaining"] == bill["claimable"] > 0
    assert bill["claimable"] <= bill["total"]

    locked = api.lock(claim["id"])
    assert (locked.status, locked.ok, locked.code) == (200, True, "ok")
    assert locked.data["state"] == "locked" and locked.data["lock_expires_at"]
    assert (
        fiscal_client.bill(claim["bill"]["code"], claim["bill"]["number"])["status"]["locked_by"]["unit_name"]
        == "北疆人寿保险股份有限公司内蒙古分公司"
    )

    amount = claim["bill"]["claimable"] // 2
    done = api.feedback(claim["id"], amount, "YW20260306001", "PZ-2026-0001", now_beijing())
    assert (done.status, done.code) == (200, "ok")
    assert done.data["state"] == "reimbursed"
    assert done.data["reimbursement"]["amount"] == amount
    served = fiscal_client.bill(claim["bill"]["code"], claim["bill"]["number"])["status"]
    assert served["reimbursement"] == "partially_reimbursed" and served["reimbursed_amount"] == amount
    assert served["records"][-1]["serial"] == "YW20260306001"
    stored = claim_state(wallet_app, claim["id"])
    assert (stored.state, stored.amount, stored.voucher) == ("reimbursed", amount, "PZ-2026-0001")
    assert stored.acted_by is None, "the unit's system acted, not one of its users"
    assert stored.bill.reimbursed_amount == amount


def test_reject_releases_a_locked_bill(api, api_world, wallet_app, fiscal_client):
    auth_id = api_world.claims[1]
    assert api.lock(auth_id).ok
    rejected = api.reject(auth_id, "发票抬头与投保人不一致")
    assert (rejected.status, rejected.code, rejected.data["state"]) == (200, "ok", "rejected")
    stored = claim_state(wallet_app, auth_id)
    assert stored.state == "rejected" and stored.end_reason == "发票抬头与投保人不一致"
    served = fiscal_client.bill(stored.bill.code, stored.bill.number)["status"]
    assert served["reimbursement"] == "unreimbursed" and served["locked_by"] is None
    again = api.lock(auth_id)
    assert (again.status, again.code) == (409, "closed")


def test_unlock_keeps_the_authorization_open(api, api_world, wallet_app, fiscal_client):
    auth_id = api_world.claims[0]
    assert api.lock(auth_id).ok
    unlocked = api.unlock(auth_id)
    assert (unlocked.status, unlocked.data["state"]) == (200, "authorized")
    stored = claim_state(wallet_app, auth_id)
    assert stored.state == "authorized" and stored.locked_at is None
    assert fiscal_client.bill(stored.bill.code, stored.bill.number)["status"]["locked_by"] is None
    assert api.unlock(auth_id).code == "not_locked"
    assert api.lock(auth_id).ok


def test_status_carries_the_province_signed_bill(api, api_world):
    reply = api.authorization(api_world.claims[0])
    assert reply.ok
    signed = reply.data["signed_bill"]
    canonical = base64.b64decode(signed["canonical"])
    sig = signed["signature"]
    assert signature_check(canonical, sig["alg"], sig["kid"], sig["value"])[0]
    assert reply.data["document"]["code"] == signed["code"] == reply.data["bill"]["code"]
    document = reply.data["document"]
    assert document == json.loads(canonical), "the document is the signed bytes, decoded"
    assert document["serial"] and document["reviewer"] and document["payer"]["gender"] in ("男", "女")
    assert all(item["standard"] and "remark" in item for item in document["items"])
    if document["medical"]:
        medical = document["medical"]
        assert medical["record_number"] and medical["institution_type"] and "other_payments" in medical


def test_feedback_above_the_remaining_amount_is_refused(api, api_world, wallet_app, fiscal_client):
    auth_id = api_world.claims[0]
    assert api.lock(auth_id).ok
    claimable = claim_state(wallet_app, auth_id).bill.claimable
    before = snapshot(wallet_app, fiscal_client)
    reply = api.feedback(auth_id, claimable + 1, "YW-OVER-1", "PZ-OVER-1", now_beijing())
    assert (reply.status, reply.code, reply.ok) == (422, "amount_exceeds_remaining", False)
    assert "剩余可报销金额" in reply.message
    assert snapshot(wallet_app, fiscal_client) | {"kept_replies": 0} == before | {"kept_replies": 0}


def test_a_bill_locked_by_another_unit_cannot_be_locked(api, api_world, wallet_app, fiscal_client, network):
    auth_id = api_world.claims[0]
    bill = claim_state(wallet_app, auth_id).bill
    network.platform(
        "POST",
        f"/bills/{bill.code}/{bill.number}/lock",
        json={"unit_code": "91110000MA00OTHER1", "unit_name": "另一家保险公司"},
    ).raise_for_status()
    reply = api.lock(auth_id)
    assert (reply.status, reply.code) == (409, "locked_by_other_unit")
    assert claim_state(wallet_app, auth_id).state == "authorized"


def test_another_units_claims_are_invisible(system, api_world):
    other = api_world.agency.client(system.url)
    assert other.list_authorizations(status="all").data["items"] == []
    for reply in (other.authorization(api_world.claims[0]), other.lock(api_world.claims[0])):
        assert (reply.status, reply.code) == (404, "not_found")


def test_same_idempotency_key_returns_the_kept_reply(api, api_world, wallet_app, fiscal_client):
    auth_id = api_world.claims[0]
    first = api.lock(auth_id, idempotency_key="lock-claim-0001")
    second = api.lock(auth_id, idempotency_key="lock-claim-0001")
    assert first.ok and second.ok and second.replayed and not first.replayed
    assert second.data == first.data
    fresh = api.lock(auth_id)
    assert fresh.code == "already_locked"

    when = now_beijing()
    paid = api.feedback(auth_id, 100, "YW-IDEM-1", "PZ-IDEM-1", when, idempotency_key="feedback-0001")
    assert api.feedback(auth_id, 100, "YW-IDEM-1", "PZ-IDEM-1", when, idempotency_key="feedback-0001").data == paid.data
    before = snapshot(wallet_app, fiscal_client)
    other = api.feedback(auth_id, 200, "YW-IDEM-2", "PZ-IDEM-2", when, idempotency_key="feedback-0001")
    assert (other.status, other.code) == (409, "idempotency_key_reused")
    assert snapshot(wallet_app, fiscal_client) == before


def test_mutating_call_without_idempotency_key_is_refused(api, api_world, wallet_app):
    reply = api.send(api.prepare("POST", f"/authorizations/{api_world.claims[0]}/lock"))
    assert (reply.status, reply.code) == (400, "idempotency_key_missing")
    assert claim_state(wallet_app, api_world.claims[0]).state == "authorized"


def test_cursor_walks_every_claim_once(api, api_world):
    first = api.list_authorizations(status="all", limit=2)
    assert first.data["has_more"] and len(first.data["items"]) == 2
    rest = api.list_authorizations(status="all", cursor=first.data["next_cursor"], limit=2)
    ids = [i["id"] for i in first.data["items"] + rest.data["items"]]
    assert ids == api_world.claims and not rest.data["has_more"]
    empty = api.list_authorizations(status="all", cursor=rest.data["next_cursor"])
    assert empty.data["items"] == [] and empty.data["next_cursor"] == rest.data["next_cursor"]
    assert [i["id"] for i in api.iter_authorizations("all")] == api_world.claims


def test_cursor_of_another_status_is_refused(api, api_world):
    cursor = api.list_authorizations(status="all", limit=1).data["next_cursor"]
    reply = api.list_authorizations(status="locked", cursor=cursor)
    assert (reply.status, reply.code) == (400, "cursor_invalid")
    bad = api.list_authorizations(status="all", cursor="not-a-cursor")
    assert (bad.status, bad.code) == (400, "cursor_invalid")


def test_field_errors_come_back_sealed_with_every_problem(api, api_world):
    auth_id = api_world.claims[0]
    assert api.lock(auth_id).ok
    reply = api.call(
        "POST",
        f"/authorizations/{auth_id}/feedback",
        {"amount": "12.5", "serial": "", "voucher": "PZ 1", "time": "yesterday", "extra": 1},
        idempotency_key="bad-feedback-1",
    )
    assert (reply.status, reply.code) == (422, "payload_invalid")
    assert set(reply.data["errors"]) == {"amount", "serial", "voucher", "time", "extra"}


def test_a_payload_number_without_one_canonical_form_is_refused(api, api_world, wallet_app):
    """An integer beyond 2^53 has no RFC 8785 form to fingerprint: a clear 422, not a 500, and nothing kept."""
    auth_id = api_world.claims[0]
    assert api.lock(auth_id).ok
    reply = api.call(
        "POST",
        f"/authorizations/{auth_id}/feedback",
        {"amount": 2**60, "serial": "YW-HUGE-1", "voucher": "PZ-HUGE-1", "time": now_beijing()},
        idempotency_key="huge-number-1",
    )
    assert (reply.status, reply.code) == (422, "payload_invalid") and "无法精确表示" in reply.message
    assert claim_state(wallet_app, auth_id).state == "locked"
    with wallet_app.app_context():
        assert db.session.scalar(select(ApiIdempotentReply).where(ApiIdempotentReply.key == "huge-number-1")) is None


def test_a_unit_rotates_its_keys_through_its_jwks_url(system, api_world, wallet_app, jwks_server, monkeypatch):
    monkeypatch.setitem(wallet_app.config, "UNIT_JWKS_ALLOWED_HOSTS", "127.0.0.1")
    old_private, old_public = new_unit_keys()
    jwks_server.body = old_public.encode()
    with wallet_app.app_context():
        user = db.session.scalar(select(UnitUser).where(UnitUser.id == api_world.insurer.user_id))
        register_unit_keys(user, url=jwks_server.url())
        db.session.remove()
    insurer = api_world.insurer
    assert WalletApiClient(system.url, insurer.app_id, insurer.app_key, old_private).list_authorizations().ok

    new_private, new_public = new_unit_keys()
    jwks_server.body = json.dumps({"keys": json.loads(new_public)["keys"] + json.loads(old_public)["keys"]}).encode()
    with wallet_app.app_context():  # the wallet fetched the old set over a minute ago
        credential = db.session.scalar(select(ApiCredential).where(ApiCredential.unit_id == insurer.unit_id))
        credential.unit_keys_at = credential.unit_keys_at - timedelta(minutes=2)
        db.session.commit()
        db.session.remove()
    rotated = WalletApiClient(system.url, insurer.app_id, insurer.app_key, new_private).list_authorizations()
    assert rotated.ok and [i["id"] for i in rotated.data["items"]] == api_world.claims
    assert len(jwks_server.fetches) == 2
    stranger_private, _ = new_unit_keys()
    refused = WalletApiClient(system.url, insurer.app_id, insurer.app_key, stranger_private).list_authorizations()
    assert (refused.status, refused.code) == (401, "signing_key_unknown")
    assert len(jwks_server.fetches) == 2, "an unknown kid fetches the JWKS at most once a minute"


def test_a_key_still_in_flight_waits_and_an_abandoned_one_runs_again(api, api_world, wallet_app):
    auth_id = api_world.claims[0]
    assert api.lock(auth_id, idempotency_key="in-flight-0001").ok
    with wallet_app.app_context():
        row = db.session.scalar(select(ApiIdempotentReply).where(ApiIdempotentReply.key == "in-flight-0001"))
        row.state, row.reply_enc = "pending", None
        db.session.commit()
        db.session.remove()
    waiting = api.lock(auth_id, idempotency_key="in-flight-0001")
    assert (waiting.status, waiting.code) == (409, "idempotency_in_progress")
    with wallet_app.app_context():
        row = db.session.scalar(select(ApiIdempotentReply).where(ApiIdempotentReply.key == "in-flight-0001"))
        row.created_at = row.created_at - timedelta(minutes=3)
        db.session.commit()
        db.session.remove()
    again = api.lock(auth_id, idempotency_key="in-flight-0001")
    assert (again.status, again.code, again.replayed) == (409, "already_locked", False)
