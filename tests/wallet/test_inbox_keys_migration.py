"""Existing claims get the search keys and the kept counts the unit inbox reads when the schema moves on.

Runs on the backend the suite was started with (SQLite or PostgreSQL).
"""

from __future__ import annotations

import json

import pytest

import wallet
from tests.support.old_schema import add_demo_units_as_of_schema
from tests.wallet.test_claims_migration import AT, bill_copy, empty_wallet_url, insert, lifecycle, rows  # noqa: F401
from wallet.extensions import db
from wallet.identity import name_lookup_hash, seal
from wallet.migrate import upgrade_database
from wallet.models.resident import NAME_PURPOSE

pytestmark = pytest.mark.slow

BEFORE = "3e8a5c1d7b90"


def claim(n: int, unit_id: int, state: str, **fields) -> dict:
    return (
        {"id": n, "note": "", "open_key": f"bill:{n}" if state == "authorized" else None}
        | lifecycle(unit_id, state, n)
        | fields
    )


def test_claims_learn_their_bill_keys_and_claimant_hash_and_units_their_counts(empty_wallet_url):
    app = wallet.create_app({"SQLALCHEMY_DATABASE_URI": empty_wallet_url, "TESTING": True})
    with app.app_context():
        upgrade_database(BEFORE)
        with db.engine.begin() as conn:
            insurer = add_demo_units_as_of_schema(conn, 1)[0]
        sealed = seal("乌日娜", NAME_PURPOSE)
        db.session.remove()
        with db.engine.begin() as conn:
            insert(
                conn,
                "residents",
                {
                    "id": 1,
                    "oidc_sub": "sub-1",
                    "name_enc": sealed,
                    "id_number_enc": b"i",
                    "id_number_hash": "h1",
                    "activated_at": AT,
                    "terms_version": "1",
                    "terms_accepted_at": AT,
                    "created_at": AT,
                },
            )
            for n in (1, 2):
                copy = {k: v for k, v in bill_copy(f"000000000{n}", n).items() if k != "verified_by"}
                insert(
                    conn,
                    "bills",
                    {"id": n, "resident_id": 1, "province": "15", "issue_year": 2026, "search_text": ""}
                    | {"source": "collected", "collected_at": AT}
                    | copy,
                )
            for n, state in ((1, "authorized"), (2, "reimbursed")):
                insert(conn, "claims", claim(n, insurer, state, source="account", resident_id=1, bill_id=n))
            insert(conn, "claims", claim(3, insurer, "authorized", source="file"))
            insert(conn, "claim_files", {"claim_id": 3, "former_id": None} | bill_copy("0000000077", 7))
            document = json.dumps({"payer": {"name": "王 伟"}}).encode()
            insert(conn, "bill_documents", {"code": "15060126", "number": "0000000077", "canonical": document})
        upgrade_database()
        with db.engine.connect() as conn:
            keys = rows(
                conn,
                "SELECT id, bill_code, bill_number, bill_total, type_key, claimant_hash FROM claims ORDER BY id",
            )
            counts = rows(conn, "SELECT unit_id, state, n FROM unit_claim_counts ORDER BY state")
        assert [(k["bill_number"], k["bill_total"], k["type_key"]) for k in keys] == [
            ("0000000001", 50_001, "medical_outpatient"),
            ("0000000002", 50_002, "medical_outpatient"),
            ("0000000077", 50_007, "medical_outpatient"),
        ]
        assert {k["bill_code"] for k in keys} == {"15060126"}
        assert [k["claimant_hash"] for k in keys] == [name_lookup_hash("乌日娜")] * 2 + [name_lookup_hash("王伟")]
        assert counts == [
            {"unit_id": insurer, "state": "authorized", "n": 2},
            {"unit_id": insurer, "state": "reimbursed", "n": 1},
        ]
