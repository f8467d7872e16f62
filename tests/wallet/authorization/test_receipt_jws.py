"""An authorization receipt is a compact JWS (ES256) any JOSE library verifies with the wallet's JWK Set;
the verify page takes a pasted JWS; receipts signed before JWS keep verifying under their recorded alg."""

from __future__ import annotations

import base64
import io
import json
import re

import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from jwcrypto import jwk, jws
from sqlalchemy import select

from tests.conftest import csrf_token_of
from tests.wallet.authorization.fixtures import claimable, grant, resident_id_of
from wallet.api_crypto.jose import b64e
from wallet.demo import demo_unit
from wallet.extensions import db
from wallet.models import AuthorizationReceipt, Bill
from wallet.services import data_export, receipts

BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def granted_receipt(resident_client, wallet_app, demo_units, count: int = 2) -> tuple[int, list[int]]:
    rid = resident_id_of(wallet_app)
    bills = claimable(wallet_app, rid, count)
    grant(wallet_app, rid, demo_units["insurer"], bills)
    with wallet_app.app_context():
        receipt_id = db.session.scalar(select(AuthorizationReceipt.id))
        assert receipt_id is not None
        return receipt_id, bills


def downloaded_jws(resident_client, receipt_id: int) -> str:
    response = resident_client.get(f"/authorizations/receipts/{receipt_id}.jws")
    assert response.status_code == 200 and response.mimetype == "application/jose"
    assert f'filename="authorization-receipt-{receipt_id}.jws"' in response.headers["Content-Disposition"]
    return response.get_data(as_text=True)


def verify_page(client, jws_text: str = "", file: tuple[bytes, str] | None = None) -> tuple[int, str]:
    token = csrf_token_of(client.get("/receipts/verify").get_data(as_text=True))
    data: dict = {"csrf_token": token, "jws": jws_text}
    if file is not None:
        data["file"] = (io.BytesIO(file[0]), file[1])
    response = client.post("/receipts/verify", data=data, content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


def bill_numbers(wallet_app, bill_ids: list[int]) -> list[str]:
    with wallet_app.app_context():
        return [f"{b.code}-{b.number}" for b in db.session.scalars(select(Bill).where(Bill.id.in_(bill_ids)))]


def test_jwcrypto_verifies_a_receipt_with_the_jwks_fetched_over_http(system, resident_client, wallet_app, demo_units):
    receipt_id, bills = granted_receipt(resident_client, wallet_app, demo_units)
    token = downloaded_jws(resident_client, receipt_id)
    page = resident_client.get(f"/authorizations/receipts/{receipt_id}").get_data(as_text=True)
    assert f'data-testid="receipt-jws">{token}</textarea>' in page, "the receipt page shows the same JWS"

    published = jwk.JWKSet.from_json(requests.get(f"{system.url}/api/v1/jwks.json", timeout=10).text)
    checked = jws.JWS()
    checked.deserialize(token)
    kid = checked.jose_header["kid"]
    checked.verify(published.get_key(kid), alg="ES256")
    assert checked.jose_header == {"alg": "ES256", "kid": kid, "typ": "bill-wallet-receipt+json"}
    receipt_key = published.get_key(kid)
    assert (receipt_key.get("use"), receipt_key.get("alg"), receipt_key.has_private) == ("sig", "ES256", False)
    api_kids = {k.get("kid") for k in published["keys"]} - {kid}
    assert len(api_kids) == 2, "the receipt key stands beside the API's keys under its own kid"

    document = json.loads(checked.payload)
    with wallet_app.app_context():
        stored = db.session.get(AuthorizationReceipt, receipt_id)
        assert checked.payload == stored.canonical and stored.signature_alg == "ES256"
    assert document["unit"]["credit_code"] == demo_unit("insurer").credit_code
    assert sorted(f"{b['code']}-{b['number']}" for b in document["bills"]) == sorted(bill_numbers(wallet_app, bills))


def test_the_verify_page_names_the_unit_and_bills_of_a_pasted_receipt(client, resident_client, wallet_app, demo_units):
    receipt_id, bills = granted_receipt(resident_client, wallet_app, demo_units)
    token = downloaded_jws(resident_client, receipt_id)
    wrapped = "\n".join(token[i : i + 76] for i in range(0, len(token), 76))  # as a mail program wraps it
    status, page = verify_page(client, wrapped + "\n")
    assert status == 200 and "✓ 签名有效，回执内容未被改动。" in page
    assert demo_unit("insurer").name in page and "授权的票据（2 张）" in page
    for number in bill_numbers(wallet_app, bills):
        assert number in page
    status, page = verify_page(client, file=(token.encode(), f"authorization-receipt-{receipt_id}.jws"))
    assert status == 200 and "✓ 签名有效" in page


def test_every_changed_character_of_a_receipt_is_refused(client, resident_client, wallet_app, demo_units):
    receipt_id, _ = granted_receipt(resident_client, wallet_app, demo_units, count=1)
    token = downloaded_jws(resident_client, receipt_id)
    with wallet_app.test_request_context():
        assert receipts.verify_jws(token).genuine
        for at, char in enumerate(token):
            if char == ".":
                continue
            other = BASE64URL[(BASE64URL.index(char) + 1) % len(BASE64URL)]
            changed = receipts.verify_jws(token[:at] + other + token[at + 1 :])
            assert not changed.genuine and changed.document is None, f"a change at {at} of {len(token)} verified"
    header, payload, signature = token.split(".")
    document = json.loads(base64.urlsafe_b64decode(payload + "=="))
    document["bills"][0]["total"] += 100
    forged = f"{header}.{b64e(receipts.canonical_bytes(document))}.{signature}"
    status, page = verify_page(client, forged)
    assert status == 422 and "✗ 签名校验失败，回执内容可能被改动过。" in page
    assert "授权的票据" not in page


def test_tokens_that_are_not_the_wallets_receipts_are_refused_in_chinese(client, wallet_app):
    with wallet_app.test_request_context():
        kid = receipts.key_id()
        own = receipts.signing_key()

    def signed(header: dict, document: dict, key: ec.EllipticCurvePrivateKey) -> str:
        data = f"{b64e(json.dumps(header).encode())}.{b64e(json.dumps(document).encode())}"
        r, s = decode_dss_signature(key.sign(data.encode(), ec.ECDSA(hashes.SHA256())))
        return f"{data}.{b64e(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

    receipt = {"format": receipts.RECEIPT_FORMAT, "unit": {"name": "冒名单位"}, "bills": []}
    cases = [
        ("", 400, "请粘贴回执签名"),
        ("hello", 422, "回执签名格式不正确"),
        (
            signed({"alg": "ES256", "kid": kid, "typ": receipts.TYP}, receipt, ec.generate_private_key(ec.SECP256R1())),
            422,
            "签名校验失败",
        ),
        (
            signed({"alg": "ES256", "kid": "someone-else", "typ": receipts.TYP}, receipt, own),
            422,
            "不是由本平台公布的密钥",
        ),
        (signed({"alg": "ES256", "kid": kid}, receipt, own), 422, "不是票据夹授权回执"),
        (
            signed({"alg": "ES256", "kid": kid, "typ": receipts.TYP}, {"format": "other"}, own),
            422,
            "不是票据夹授权回执",
        ),
        (signed({"alg": "HS256", "kid": kid, "typ": receipts.TYP}, receipt, own), 422, "不支持的签名算法"),
    ]
    for text, status, words in cases:
        got, page = verify_page(client, text)
        assert (got, words in page) == (status, True), (
            text[:40],
            got,
            re.findall(r"(?:field-error|sig-bad)[^>]*>([^<]+)", page),
        )
        assert "冒名单位" not in page
    got, page = verify_page(client, "A" * (receipts.MAX_JWS_CHARS + 1))
    assert got == 413 and "内容过长" in page


def legacy_signature(wallet_app, receipt_id: int) -> None:
    """Turn a stored receipt into one signed the way receipts were before JWS (DER, ECDSA-P256-SHA256)."""
    with wallet_app.test_request_context():
        row = db.session.get_one(AuthorizationReceipt, receipt_id)
        der = receipts.signing_key().sign(row.canonical, ec.ECDSA(hashes.SHA256()))
        row.signature_alg, row.signature_value = "ECDSA-P256-SHA256", base64.b64encode(der).decode()
        db.session.commit()


def test_a_receipt_signed_before_jws_still_verifies(client, resident_client, wallet_app, demo_units):
    receipt_id, _ = granted_receipt(resident_client, wallet_app, demo_units, count=1)
    legacy_signature(wallet_app, receipt_id)
    page = resident_client.get(f"/authorizations/receipts/{receipt_id}").get_data(as_text=True)
    assert 'data-testid="receipt-signature">✓ 签名有效' in page and 'data-testid="receipt-jws"' not in page
    assert f"/authorizations/receipts/{receipt_id}.json" in page
    assert (
        resident_client.get(f"/authorizations/receipts/{receipt_id}.jws")
        .headers["Location"]
        .endswith(f"/authorizations/receipts/{receipt_id}.json")
    )
    envelope = resident_client.get(f"/authorizations/receipts/{receipt_id}.json").get_json()
    assert envelope["signature"]["alg"] == "ECDSA-P256-SHA256"
    status, shown = verify_page(client, file=(json.dumps(envelope).encode(), "receipt.json"))
    assert status == 200 and "✓ 签名有效" in shown and demo_unit("insurer").name in shown

    document = json.loads(base64.b64decode(envelope["canonical"]))
    document["bills"][0]["total"] += 100
    forged = {**envelope, "canonical": base64.b64encode(receipts.canonical_bytes(document)).decode()}
    status, shown = verify_page(client, file=(json.dumps(forged).encode(), "receipt.json"))
    assert status == 422 and "签名校验失败" in shown

    with wallet_app.test_request_context():  # the legacy alg is bound to its own format: no downgrade into JWS
        row = db.session.get(AuthorizationReceipt, receipt_id)
        assert not receipts.verify_jws(f"{b64e(b'{}')}.{b64e(row.canonical)}.{row.signature_value}").genuine


def test_a_new_receipts_json_address_leads_to_its_jws(resident_client, wallet_app, demo_units):
    receipt_id, _ = granted_receipt(resident_client, wallet_app, demo_units, count=1)
    moved = resident_client.get(f"/authorizations/receipts/{receipt_id}.json")
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"/authorizations/receipts/{receipt_id}.jws")


def test_the_data_export_carries_each_receipt_as_its_jws(resident_client, wallet_app, demo_units):
    receipt_id, _ = granted_receipt(resident_client, wallet_app, demo_units, count=1)
    token = downloaded_jws(resident_client, receipt_id)
    with wallet_app.test_request_context():
        exported = data_export.authorization_records(resident_id_of(wallet_app))["receipts"]
    assert [r["jws"] for r in exported] == [token]
