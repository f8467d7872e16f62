"""A bill that fails signature verification is not stored, and the resident is told — calmly,
with the issuer and the code, what to do — and it is tried again at the next sync."""

from __future__ import annotations

import base64
import json

from sqlalchemy import select

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.network import persona
from tests.wallet.auth.flows import log_in
from wallet.extensions import db
from wallet.identity_lookup import resident_for_id_number
from wallet.models import Bill, Notification, RejectedBill
from wallet.services.follower import follow_once
from wallet.services.sync import sync_person


def sync(wallet_app, fiscal_client) -> int:
    with wallet_app.app_context():
        rid = resident_for_id_number(persona("p1").id_number)
        assert rid is not None
        sync_person(rid, persona("p1").id_number, fiscal_client)
        return rid


def issuer_of(item: dict) -> str:
    return json.loads(base64.b64decode(item["canonical"]))["issuer"]["name"]


def notices(wallet_app, kind: str) -> list[str]:
    with wallet_app.app_context():
        return list(db.session.scalars(select(Notification.body).where(Notification.kind == kind)))


def test_a_forged_bill_is_told_to_the_resident_and_stored_once_it_verifies(
    client, wallet_app, network, seeded_idp, fiscal_client
):
    log_in(client, "p1")
    sync(wallet_app, fiscal_client)
    network.faults(forge_next_signature=True)
    forged = network.issue("p1", amount=99900)
    rid = sync(wallet_app, fiscal_client)
    told = notices(wallet_app, "unverified")
    assert len(told) == 1
    for phrase in (issuer_of(forged), forged["code"], forged["number"], "没有收入票据夹", "联系开票单位", "下次同步"):
        assert phrase in told[0], phrase
    listing = client.get("/").get_data(as_text=True)
    notice = listing.split('data-testid="unverified"')[1].split("</section>")[0]
    for phrase in (issuer_of(forged), forged["code"], forged["number"], "联系开票单位", "下次同步时再次核验"):
        assert phrase in notice, phrase
    assert "有一张票据未通过验证" in client.get("/notifications").get_data(as_text=True)

    sync(wallet_app, fiscal_client)
    with wallet_app.app_context():
        stored = db.session.scalar(
            select(Bill.id).where(Bill.resident_id == rid, Bill.code == forged["code"], Bill.number == forged["number"])
        )
        assert stored is not None, "the next sync verifies it again and stores the genuine bill"
        assert db.session.scalar(select(RejectedBill.id)) is None
    assert 'data-testid="unverified"' not in client.get("/").get_data(as_text=True)
    assert len(notices(wallet_app, "unverified")) == 1, "told once"


def test_a_forged_bill_from_the_change_feed_is_told_too(client, wallet_app, network, seeded_idp, fiscal_client):
    log_in(client, "p1")
    sync(wallet_app, fiscal_client)
    with wallet_app.app_context():
        while follow_once(fiscal_client, resident_for_id_number):
            pass
    network.faults(forge_next_signature=True)
    forged = network.issue("p1", amount=12300)
    with wallet_app.app_context():
        while follow_once(fiscal_client, resident_for_id_number):
            pass
    told = notices(wallet_app, "unverified")
    assert len(told) == 1 and forged["code"] in told[0] and issuer_of(forged) in told[0]
    notice = client.get("/").get_data(as_text=True).split('data-testid="unverified"')[1].split("</section>")[0]
    assert forged["code"] in notice and issuer_of(forged) in notice


def test_an_open_list_that_refreshes_its_results_gets_the_notice_too(
    client, wallet_app, network, seeded_idp, fiscal_client
):
    """The list's live refresh swaps only its blocks: the notice comes with them, out of band."""
    log_in(client, "p1")
    sync(wallet_app, fiscal_client)
    before = client.get("/", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert '<div id="unverified-notice" hx-swap-oob="true">' in before and 'data-testid="unverified"' not in before
    network.faults(forge_next_signature=True)
    forged = network.issue("p1", amount=45600)
    sync(wallet_app, fiscal_client)
    refreshed = client.get("/", headers={"HX-Request": "true"}).get_data(as_text=True)
    notice = refreshed.split('<div id="unverified-notice" hx-swap-oob="true">')[1].split("</section>")[0]
    assert 'data-testid="unverified"' in notice and forged["number"] in notice
