"""unit inbox at scale: search keys on claims, per-unit state counts, keyset indexes

Each claim carries the bill code, number, total and type and the keyed hash of its claimant's
name, so every inbox filter and search reads the claims table through an index that ends in the
inbox order (created_at, id). ``unit_claim_counts`` keeps how many claims each unit has in each
state (wallet.models.claim_count). Existing rows are filled from their bills, their file copies,
the residents' sealed names (opened with the app's key) and the signed documents.

Revision ID: 5f2c8d91e6a4
Revises: 3e8a5c1d7b90
Create Date: 2026-12-06 12:40:00.000000
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from wallet.identity import name_lookup_hash, unseal

revision = "5f2c8d91e6a4"
down_revision = "3e8a5c1d7b90"
branch_labels = None
depends_on = None


def _keys() -> list[sa.Column[Any]]:
    """The search-key columns (fresh objects each time: a column belongs to one table)."""
    return [
        sa.Column("bill_code", sa.String(length=8), nullable=False, server_default=""),
        sa.Column("bill_number", sa.String(length=10), nullable=False, server_default=""),
        sa.Column("bill_total", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("type_key", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("claimant_hash", sa.String(length=64), nullable=False, server_default=""),
    ]


INDEXES = {
    "ix_claims_unit_created": ["unit_id", "created_at", "id"],
    "ix_claims_unit_state": ["unit_id", "state", "created_at", "id"],
    "ix_claims_unit_type": ["unit_id", "type_key", "created_at", "id"],
    "ix_claims_unit_code": ["unit_id", "bill_code", "created_at", "id"],
    "ix_claims_unit_number": ["unit_id", "bill_number"],
    "ix_claims_unit_total": ["unit_id", "bill_total", "created_at", "id"],
    "ix_claims_unit_claimant": ["unit_id", "claimant_hash", "created_at", "id"],
    "ix_claims_unit_ref": ["unit_id", "claim_ref", "created_at", "id"],
    "ix_claims_unit_closed": ["unit_id", "closed_at", "id"],
}
COPIED = ("bill_code", "bill_number", "bill_total", "type_key")
SOURCES = {"bills": ("id", "bill_id", "account"), "claim_files": ("claim_id", "id", "file")}
FROM_BILL = {"bill_code": "code", "bill_number": "number", "bill_total": "total", "type_key": "type_key"}


def _copy_bill_columns() -> None:
    for table, (key, claim_key, source) in SOURCES.items():
        sets = ", ".join(
            f"{column} = COALESCE((SELECT b.{FROM_BILL[column]} FROM {table} b WHERE b.{key} = claims.{claim_key}), "
            f"claims.{column})"
            for column in COPIED
        )
        op.execute(f"UPDATE claims SET {sets} WHERE source = '{source}'")  # noqa: S608  (fixed names, no input)


def _opened(sealed: bytes) -> str:
    """The resident's name; empty (found by no name search) where it does not open with this key."""
    try:
        return unseal(sealed, "resident.name")
    except ValueError:
        return ""


def _hash_claimants() -> None:
    bind = op.get_bind()
    claims = sa.table("claims", sa.column("id"), sa.column("claimant_hash"))
    account = bind.execute(
        sa.text(
            "SELECT c.id, r.name_enc FROM claims c JOIN residents r ON r.id = c.resident_id WHERE c.source = 'account'"
        )
    ).all()
    files = bind.execute(
        sa.text(
            "SELECT c.id, d.canonical FROM claims c JOIN claim_files f ON f.claim_id = c.id "
            "JOIN bill_documents d ON d.code = f.code AND d.number = f.number WHERE c.source = 'file'"
        )
    ).all()
    hashes = [(cid, name_lookup_hash(_opened(enc))) for cid, enc in account]
    hashes += [(cid, name_lookup_hash(json.loads(doc).get("payer", {}).get("name", ""))) for cid, doc in files]
    for cid, digest in hashes:
        bind.execute(claims.update().where(claims.c.id == cid).values(claimant_hash=digest))


def upgrade() -> None:
    op.create_table(
        "unit_claim_counts",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("unit_id", "state"),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        for column in _keys():
            batch_op.add_column(column)
        batch_op.drop_index("ix_claims_unit_state")
    _copy_bill_columns()
    _hash_claimants()
    op.execute(
        "INSERT INTO unit_claim_counts (unit_id, state, n) "
        "SELECT unit_id, state, COUNT(*) FROM claims GROUP BY unit_id, state"
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
        batch_op.create_index("ix_claims_unit_state", ["unit_id", "state", "created_at"], unique=False)
        for column in reversed(_keys()):
            batch_op.drop_column(column.name)
    op.drop_table("unit_claim_counts")
