"""Existing bills learn what may be claimed on them from their signed documents when the schema moves on."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

import wallet
from wallet.extensions import db
from wallet.migrate import upgrade_database

pytestmark = pytest.mark.slow

BEFORE = "7c1f0e9a4d2b"
MEDICAL = {
    "total": 100_000,
    "medical": {"settlement": {"fund": 60_000, "other_insurance": 5_000, "personal_account": 10_000, "cash": 25_000}},
}
COURT = {"total": 56_000, "medical": None}


def bill_row(number: str, total: int) -> dict:
    return {
        "resident_id": 1,
        "code": "15060126",
        "number": number,
        "check_code": "a1b2c3",
        "province": "15",
        "type_key": "x",
        "type_name": "x",
        "issuer_name": "x",
        "issued_at": "2026-03-15 00:00:00.000000",
        "issue_year": 2026,
        "total": total,
        "search_text": "",
        "signature_alg": "a",
        "signature_kid": "k",
        "signature_value": "v",
        "issuance": "normal",
        "reimbursement": "unreimbursed",
        "reimbursed_amount": 0,
        "status_json": "{}",
        "version": 1,
        "source": "collected",
        "collected_at": "2026-03-15 00:00:00.000000",
        "updated_at": "2026-03-15 00:00:00.000000",
    }


def test_existing_bills_get_what_the_person_bore_as_their_claimable_amount(tmp_path):
    app = wallet.create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'w.db'}", "TESTING": True})
    with app.app_context():
        upgrade_database(BEFORE)
        with db.engine.connect() as conn:
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # bills of no stored resident
            conn.commit()
            for number, doc in (("0000000001", MEDICAL), ("0000000002", COURT)):
                conn.execute(
                    sa.text("INSERT INTO bill_documents (code, number, canonical) VALUES (:c, :n, :d)"),
                    {"c": "15060126", "n": number, "d": json.dumps(doc).encode()},
                )
                row = bill_row(number, doc["total"])
                names = ", ".join(row)
                conn.execute(sa.text(f"INSERT INTO bills ({names}) VALUES ({', '.join(':' + k for k in row)})"), row)
            conn.commit()
        upgrade_database()
        with db.engine.connect() as conn:
            claimable = dict(conn.execute(sa.text("SELECT number, claimable FROM bills")).all())
    assert claimable == {"0000000001": 35_000, "0000000002": 56_000}
