"""Authorizations and file claims move into the one claims table without losing a field.

A database at the revision before the move holds both kinds — open, locked, reimbursed and
rejected, with access events — and every claim's fields are compared after the upgrade.
Runs on the backend the suite was started with (SQLite or PostgreSQL).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

import wallet
from tests.support.environment import postgres_admin_url
from tests.support.old_schema import add_demo_units_as_of_schema
from wallet.extensions import db
from wallet.migrate import alembic_config, upgrade_database

pytestmark = pytest.mark.slow

MOVE = "3e8a5c1d7b90"
AT = datetime(2026, 3, 15, 2, 0, tzinfo=UTC)
LIFECYCLE = [
    "unit_id",
    "state",
    "claim_ref",
    "created_at",
    "expires_at",
    "locked_at",
    "lock_expires_at",
    "lapse_noted_at",
    "closed_at",
    "end_reason",
    "amount",
    "serial",
    "voucher",
    "reimbursed_at",
    "acted_by",
]
BILL_COPY = [
    "code",
    "number",
    "check_code",
    "type_key",
    "type_name",
    "issuer_name",
    "issued_at",
    "total",
    "claimable",
    "signature_alg",
    "signature_kid",
    "signature_value",
    "verified_by",
    "issuance",
    "reimbursement",
    "reimbursed_amount",
    "status_json",
    "version",
    "updated_at",
]


@pytest.fixture
def empty_wallet_url(db_backend: str, tmp_path) -> Iterator[str]:
    if db_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'claims.db'}"
        return
    admin, name = postgres_admin_url(), f"bw_claims_move_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def at(minutes: int) -> datetime:
    return AT + timedelta(minutes=minutes)


def lifecycle(unit_id: int, state: str, n: int) -> dict:
    done = state in ("reimbursed", "rejected")
    return {
        "unit_id": unit_id,
        "state": state,
        "claim_ref": f"CLM-{n}",
        "created_at": at(n),
        "expires_at": at(n + 10_000),
        "locked_at": at(n + 1) if state != "authorized" else None,
        "lock_expires_at": at(n + 60) if state == "locked" else None,
        "lapse_noted_at": None,
        "closed_at": at(n + 2) if done else None,
        "end_reason": "不属于保障范围" if state == "rejected" else "",
        "amount": 1234 if state == "reimbursed" else 0,
        "serial": f"S{n}" if state == "reimbursed" else None,
        "voucher": f"V{n}" if state == "reimbursed" else None,
        "reimbursed_at": at(n + 3) if state == "reimbursed" else None,
        "acted_by": None,
    }


def bill_copy(number: str, n: int) -> dict:
    return {
        "code": "15060126",
        "number": number,
        "check_code": "a1b2c3",
        "type_key": "medical_outpatient",
        "type_name": "医疗门诊收费票据",
        "issuer_name": f"医院{n}",
        "issued_at": at(-n),
        "total": 50_000 + n,
        "claimable": 40_000 + n,
        "signature_alg": "ES256",
        "signature_kid": "k1",
        "signature_value": f"sig{n}",
        "verified_by": "elements",
        "issuance": "normal",
        "reimbursement": "unreimbursed",
        "reimbursed_amount": 0,
        "status_json": "{}",
        "version": n,
        "updated_at": at(n),
    }


def insert(conn, table: str, row: dict) -> None:
    names = ", ".join(row)
    conn.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + k for k in row)})"), row)


def rows(conn, query: str) -> list[dict]:
    return [dict(r._mapping) for r in conn.execute(sa.text(query))]


def instant(value):
    """A stored time as an aware datetime whichever way the driver returns it (SQLite: text)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return value.replace(tzinfo=value.tzinfo or UTC)
    return value


def same_instant(a, b) -> bool:
    return instant(a) == instant(b)


def test_both_kinds_of_claim_move_into_one_table_with_every_field(empty_wallet_url):
    app = wallet.create_app({"SQLALCHEMY_DATABASE_URI": empty_wallet_url, "TESTING": True})
    before = ScriptDirectory.from_config(alembic_config()).get_revision(MOVE).down_revision
    with app.app_context():
        upgrade_database(before)
        db.session.remove()  # the move drops tables that point at units: no reader may hold them
        with db.engine.begin() as conn:
            insurer, agency = add_demo_units_as_of_schema(conn)
        with db.engine.begin() as conn:
            insert(
                conn,
                "residents",
                {
                    "id": 1,
                    "oidc_sub": "sub-1",
                    "name_enc": b"n",
                    "id_number_enc": b"i",
                    "id_number_hash": "h1",
                    "activated_at": AT,
                    "terms_version": "1",
                    "terms_accepted_at": AT,
                    "created_at": AT,
                },
            )
            for n in (1, 2, 3, 9):
                insert(
                    conn,
                    "bills",
                    {
                        "id": n,
                        "resident_id": 1,
                        "province": "15",
                        "issue_year": 2026,
                        "search_text": "",
                        "source": "collected",
                        "collected_at": AT,
                        **{k: v for k, v in bill_copy(f"000000000{n}", n).items() if k != "verified_by"},
                    },
                )
            insert(
                conn,
                "authorization_receipts",
                {
                    "id": 1,
                    "resident_id": 1,
                    "unit_id": insurer,
                    "request_id": "r1",
                    "canonical": b"{}",
                    "signature_alg": "ES256",
                    "signature_kid": "k1",
                    "signature_value": "s",
                    "created_at": AT,
                },
            )
            accounts = {1: "authorized", 2: "locked", 3: "reimbursed"}
            for n, state in accounts.items():
                insert(
                    conn,
                    "authorizations",
                    {
                        "id": n,
                        "receipt_id": 1,
                        "resident_id": 1,
                        "bill_id": n,
                        "note": f"备注{n}",
                        "open_bill_id": n if state in ("authorized", "locked") else None,
                        **lifecycle(insurer, state, n),
                    },
                )
            insert(
                conn,
                "access_events",
                {
                    "id": 1,
                    "resident_id": 1,
                    "bill_id": 3,
                    "unit_id": insurer,
                    "authorization_id": 3,
                    "kind": "reimbursed",
                    "amount": 1234,
                    "detail": "业务流水号 S3",
                    "at": at(5),
                },
            )
            files = {1: ("0000000009", "locked", agency), 2: ("0000000077", "rejected", insurer)}
            for n, (number, state, unit) in files.items():
                insert(
                    conn,
                    "file_claims",
                    {
                        "id": n,
                        "open_key": f"{unit}:15060126{number}" if state == "locked" else None,
                        **bill_copy(number, 20 + n),
                        **lifecycle(unit, state, 20 + n),
                    },
                )
            old_accounts = rows(conn, "SELECT * FROM authorizations ORDER BY id")
            old_files = rows(conn, "SELECT * FROM file_claims ORDER BY id")

        upgrade_database()

        with db.engine.connect() as conn:
            claims = {r["id"]: r for r in rows(conn, "SELECT * FROM claims")}
            copies = {r["former_id"]: r for r in rows(conn, "SELECT * FROM claim_files")}
            events = rows(conn, "SELECT * FROM access_events")
            assert len(claims) == len(old_accounts) + len(old_files)
            for old in old_accounts:
                new = claims[old["id"]]  # authorizations keep their ids
                assert new["source"] == "account"
                for name in LIFECYCLE + ["receipt_id", "resident_id", "bill_id", "note"]:
                    assert same_instant(new[name], old[name]), (old["id"], name)
                assert new["open_key"] == (f"bill:{old['bill_id']}" if old["open_bill_id"] else None)
            for old in old_files:
                copy = copies[old["id"]]
                new = claims[copy["claim_id"]]
                assert new["source"] == "file" and new["receipt_id"] is None
                for name in LIFECYCLE:
                    assert same_instant(new[name], old[name]), (old["id"], name)
                for name in BILL_COPY:
                    assert same_instant(copy[name], old[name]), (old["id"], name)
                assert new["open_key"] == (f"file:{old['open_key']}" if old["open_key"] else None)
            held = claims[copies[1]["claim_id"]]
            assert (held["resident_id"], held["bill_id"]) == (1, 9), "the file claim finds the wallet's copy"
            assert claims[copies[2]["claim_id"]]["resident_id"] is None
            assert [(e["claim_id"], e["kind"]) for e in events] == [(3, "reimbursed")]
            assert not {"authorizations", "file_claims"} & set(sa.inspect(conn).get_table_names())

        with db.engine.begin() as conn:  # ids go on after the moved rows on every backend
            insert(
                conn, "claims", {"source": "file", "open_key": None, "note": "", **lifecycle(insurer, "authorized", 90)}
            )
            assert max(r["id"] for r in rows(conn, "SELECT id FROM claims")) > max(claims)
        db.engine.dispose()
