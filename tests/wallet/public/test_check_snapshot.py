"""/check verifies a resident's signed status snapshot — from its QR code's URL or pasted — and shows it beside
the bill's live status; a tampered or forged snapshot is refused with a 4xx before the network is asked."""

from __future__ import annotations

import base64
import html
import json
import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_of
from tests.support.network import Network, persona
from tests.wallet.auth.flows import local, log_in
from tests.wallet.imports.bills import exchange
from wallet.api_crypto.jose import b64e
from wallet.extensions import db
from wallet.identity_lookup import resident_for_id_number
from wallet.models import Bill
from wallet.services.sync import sync_person

SNAPSHOT_URL = re.compile(r'data-testid="snapshot-text">([^<]+)<')
VALID = re.compile(r"快照有效 · 签于 <span[^>]*>\d{4}-\d{2}-\d{2} \d{2}:\d{2}</span> · 状态 (\S+)</h2>")
HX = {"HX-Request": "true"}


@pytest.fixture
def issued(client, wallet_app, net: Network, seeded_idp, fiscal_client) -> tuple[dict, int]:
    """One bill issued to p1 and collected into their wallet (p1 signed in on ``client``): (item, bill id)."""
    item = net.issue("p1", type_key="medical_outpatient", amount=25630)
    log_in(client, "p1")
    with wallet_app.app_context():
        resident_id = resident_for_id_number(persona("p1").id_number)
        assert resident_id is not None
        sync_person(resident_id, persona("p1").id_number, fiscal_client)
        bill_id = db.session.scalars(select(Bill.id).where(Bill.number == item["number"])).one()
    return item, bill_id


def snapshot_url(client, bill_id: int) -> str:
    page = client.get(f"/bills/{bill_id}")
    assert page.status_code == 200
    found = SNAPSHOT_URL.search(page.get_data(as_text=True))
    assert found, "the bill page shows no snapshot"
    return html.unescape(found.group(1))


def tampered(url: str, **changes: object) -> str:
    base, token = url.split("snapshot=")
    header, payload, signature = token.split(".")
    document = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return f"{base}snapshot={header}.{b64e(json.dumps({**document, **changes}).encode())}.{signature}"


def post_snapshot(client, text: str, headers: dict[str, str] | None = None):
    token = csrf_token_of(client.get("/check").get_data(as_text=True))
    return client.post("/check", data={"csrf_token": token, "snapshot": text}, headers=headers or {})


def test_a_clerk_opening_the_snapshot_qr_sees_it_valid_beside_the_live_status(issued, client, wallet_app, net):
    item, bill_id = issued
    url = snapshot_url(client, bill_id)
    assert url.startswith(f"{wallet_app.config['WALLET_BASE_URL']}/check?snapshot=")
    clerk = wallet_app.test_client()
    page = clerk.get(local(url))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert VALID.search(text).group(1) == "可报销"
    assert "票据真实有效" in text and "该票据已被查验 1 次" in text
    assert persona("p1").name not in text and persona("p1").id_number not in text

    exchange(net, item)  # later the bill changes at its issuer: the snapshot still says what was signed
    later = clerk.get(local(url)).get_data(as_text=True)
    assert VALID.search(later).group(1) == "可报销" and "已换开纸质" in later and "不能用于报销" in later


def test_a_tampered_snapshot_is_refused_and_the_network_is_not_asked(issued, client, wallet_app):
    _, bill_id = issued
    forged = tampered(snapshot_url(client, bill_id), status="reimbursed")
    page = wallet_app.test_client().get(local(forged))
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "快照未通过核对" in text and "可能被改动过" in text
    assert "快照有效" not in text and "票据真实有效" not in text and "该票据已被查验" not in text


def test_a_snapshot_signed_by_another_key_is_refused(issued, client, wallet_app):
    _, bill_id = issued
    wallet_app.config["RECEIPT_SIGNING_KEY"] = "someone-elses-key"
    try:
        foreign = snapshot_url(client, bill_id)
    finally:
        wallet_app.config["RECEIPT_SIGNING_KEY"] = "dev-only-receipt-signing-key"
    page = wallet_app.test_client().get(local(foreign))
    assert page.status_code == 422 and "可能是伪造的" in page.get_data(as_text=True)


def test_a_pasted_snapshot_is_checked_by_the_form_with_or_without_htmx(issued, client, wallet_app):
    _, bill_id = issued
    url = snapshot_url(client, bill_id)
    clerk = wallet_app.test_client()
    whole = post_snapshot(clerk, url.split("snapshot=")[1])
    assert whole.status_code == 200 and VALID.search(whole.get_data(as_text=True))
    partial = post_snapshot(clerk, f"\n{url}\n", HX)
    text = partial.get_data(as_text=True)
    assert partial.status_code == 200 and VALID.search(text) and "<html" not in text
    refused = post_snapshot(clerk, tampered(url, reimbursed=25630), HX)
    assert refused.status_code == 422 and "快照未通过核对" in refused.get_data(as_text=True)


@pytest.mark.parametrize("text", ["", "不是快照", "https://example.com/check?code=15060126"])
def test_text_that_is_no_snapshot_gets_a_400_with_what_to_paste(client, text):
    page = post_snapshot(client, text)
    assert page.status_code == 400 and "快照格式不正确" in page.get_data(as_text=True)


def test_the_check_page_offers_the_snapshot_form(client):
    text = client.get("/check").get_data(as_text=True)
    assert "核对状态快照" in text and 'name="snapshot"' in text
