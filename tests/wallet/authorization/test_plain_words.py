"""Resident pages speak Chinese: signatures read as who signed, technical names wait behind 技术详情,
and the receipt is a page to read, not a JSON file."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.wallet.authorization.fixtures import claimable, grant, resident_id_of
from wallet.extensions import db
from wallet.models import AuthorizationReceipt

TECH = re.compile(r"ECDSA|P256|SHA256|wallet-[0-9a-f]{6}|/receipts/keys|JSON")


def outside_details(html: str) -> str:
    return re.sub(r"<details.*?</details>", "", html, flags=re.S)


def test_the_bill_detail_says_who_signed_and_keeps_key_names_behind_a_disclosure(resident_client, wallet_app):
    rid = resident_id_of(wallet_app)
    html = resident_client.get(f"/bills/{claimable(wallet_app, rid, 1)[0]}").get_data(as_text=True)
    assert re.search(r"✓ 签名有效，由\S+财政电子票据平台签发", html)
    assert not TECH.search(outside_details(html)), TECH.findall(outside_details(html))
    assert "<summary>技术详情</summary>" in html and "ECDSA-P256-SHA256" in html


def test_the_receipt_is_a_page_in_chinese_with_no_raw_links(resident_client, wallet_app, demo_units):
    rid = resident_id_of(wallet_app)
    grant(wallet_app, rid, demo_units["insurer"], claimable(wallet_app, rid, 1))
    with wallet_app.app_context():
        receipt_id = db.session.scalar(select(AuthorizationReceipt.id))
    html = resident_client.get(f"/authorizations/receipts/{receipt_id}").get_data(as_text=True)
    shown = outside_details(html)
    assert not TECH.search(shown), TECH.findall(shown)
    assert "签名有效，由票据夹平台签发" in shown and re.search(r"回执编号</dt><dd>\d{14}</dd>", shown)
    assert "<summary>技术详情</summary>" in html


def test_the_receipt_key_reads_as_a_page_in_a_browser_and_as_json_for_programs(client):
    page = client.get("/receipts/keys", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.mimetype == "text/html" and "回执签名公钥" in page.get_data(as_text=True)
    assert not TECH.search(outside_details(page.get_data(as_text=True)))
    machine = client.get("/receipts/keys", headers={"Accept": "*/*"})
    assert machine.mimetype == "application/json" and machine.json["keys"][0]["alg"] == "ES256"
    assert machine.json["keys"][0]["jwk"]["kid"] == machine.json["keys"][0]["kid"]
    assert machine.json["jwks_url"].endswith("/api/v1/jwks.json")
