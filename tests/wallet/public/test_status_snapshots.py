"""A bill's status snapshot is signed with the wallet's receipt key and read back only as it was signed:
a changed field, another key, a receipt passed off as a snapshot or a cut-off text are each refused."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from flask import Flask

from common.canonical_json import canonical_json
from wallet import create_app
from wallet.api_crypto.jose import b64e
from wallet.models.bill import Bill
from wallet.refusals import Refusal
from wallet.services import receipts, status_snapshots

SIGNED_AT = datetime(2026, 12, 6, 6, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def app() -> Iterator[Flask]:
    app = create_app(
        {"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://", "WALLET_BASE_URL": "https://w.example"}
    )
    with app.app_context():
        yield app


def bill(**changes: object) -> Bill:
    fields: dict[str, object] = {
        "code": "15060126",
        "number": "0001234567",
        "check_code": "a1b2c3",
        "issued_at": datetime(2026, 3, 15, 1, 20, tzinfo=UTC),
        "total": 32850,
        "reimbursed_amount": 12000,
    }
    return Bill(**{**fields, **changes})


def payload_of(token: str) -> dict:
    segment = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def with_payload(token: str, payload: dict) -> str:
    header, _, signature = token.split(".")
    return f"{header}.{b64e(canonical_json(payload))}.{signature}"


def refusal_code(text: str) -> tuple[str, int]:
    with pytest.raises(Refusal) as refused:
        status_snapshots.read(text)
    return refused.value.code, refused.value.status


def test_a_snapshot_reads_back_as_signed(app):
    taken = status_snapshots.take(bill(), "partially_reimbursed", SIGNED_AT)
    read = status_snapshots.read(taken.token)
    assert read.elements.as_fields() == {
        "code": "15060126",
        "number": "0001234567",
        "check": "a1b2c3",
        "date": "20260315",
        "amount": "328.50",
    }
    assert (read.status, read.status_label, read.reimbursed) == ("partially_reimbursed", "部分报销", 12000)
    assert read.signed_at == SIGNED_AT.replace(microsecond=0)
    assert taken.url == f"https://w.example/check?snapshot={taken.token}"
    assert payload_of(taken.token) == {
        "v": 1,
        "bill": "15060126_0001234567_a1b2c3_328.50_20260315",
        "status": "partially_reimbursed",
        "reimbursed": 12000,
        "at": int(SIGNED_AT.timestamp()),
    }


def test_the_qr_url_or_a_pasted_copy_broken_over_lines_reads_the_same(app):
    taken = status_snapshots.take(bill(), "locked", SIGNED_AT)
    assert status_snapshots.read(taken.url).token == taken.token
    pasted = "\n".join(taken.url[i : i + 40] for i in range(0, len(taken.url), 40))
    assert status_snapshots.read(f"  {pasted}\n").status == "locked"


def test_a_red_bill_snapshot_keeps_its_negative_amount(app):
    taken = status_snapshots.take(bill(total=-32850, reimbursed_amount=0), "red_bill", SIGNED_AT)
    assert status_snapshots.read(taken.token).elements.amount_fen == -32850


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "claimable"),
        ("reimbursed", 0),
        ("at", int(SIGNED_AT.timestamp()) + 86400),
        ("bill", "15060126_0001234568_a1b2c3_328.50_20260315"),
    ],
)
def test_a_changed_field_breaks_the_signature(app, field, value):
    token = status_snapshots.take(bill(), "locked", SIGNED_AT).token
    tampered = with_payload(token, {**payload_of(token), field: value})
    assert refusal_code(tampered) == ("snapshot_altered", 422)


def test_a_snapshot_signed_with_another_key_is_refused(app):
    app.config["RECEIPT_SIGNING_KEY"] = "another-wallets-receipt-key"
    foreign = status_snapshots.take(bill(), "claimable", SIGNED_AT).token
    app.config["RECEIPT_SIGNING_KEY"] = "dev-only-receipt-signing-key"
    assert refusal_code(foreign) == ("snapshot_forged", 422)


def test_another_key_under_the_wallets_key_id_is_refused(app):
    """A forger who copies the wallet's kid into the header still cannot make its signature."""
    genuine = status_snapshots.take(bill(), "locked", SIGNED_AT).token
    header, payload, _ = genuine.split(".")
    der = ec.generate_private_key(ec.SECP256R1()).sign(f"{header}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    forged = f"{header}.{payload}.{b64e(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"
    assert refusal_code(forged) == ("snapshot_altered", 422)


def test_a_receipt_is_not_a_snapshot_nor_a_snapshot_a_receipt(app):
    receipt = receipts.sign_compact(canonical_json({"format": receipts.RECEIPT_FORMAT}), receipts.TYP)
    assert refusal_code(receipt) == ("snapshot_other", 422)
    snapshot = status_snapshots.take(bill(), "locked", SIGNED_AT).token
    verdict = receipts.verify_jws(snapshot)
    assert not verdict.genuine and verdict.message == receipts.NOT_A_RECEIPT


def test_a_signed_document_of_another_shape_is_not_a_snapshot(app):
    for document in ({"v": 2}, {"v": 1, "status": "locked"}, ["not", "an", "object"]):
        token = receipts.sign_compact(canonical_json(document), status_snapshots.TYP)
        assert refusal_code(token) == ("snapshot_other", 422)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "abc", "a.b", "https://w.example/check?code=15060126", "x" * 3000, "a..c"],
)
def test_text_that_is_no_snapshot_is_malformed(app, text):
    assert refusal_code(text) == ("snapshot_malformed", 400)


def test_a_cut_off_snapshot_is_refused(app):
    token = status_snapshots.take(bill(), "locked", SIGNED_AT).token
    assert refusal_code(token[:-10])[1] in (400, 422)
