"""claimable amount of each bill and file-mode claim

What may be claimed on a medical bill is what the person bore, not its face value
(common.claimable). Existing rows are filled from their signed documents.

Revision ID: 7c1f2e9a4b3d
Revises: 7c1f0e9a4d2b
Create Date: 2026-12-06 07:00:00.000000
"""

import json

import sqlalchemy as sa
from alembic import op

from common.claimable import claimable_total

revision = "7c1f2e9a4b3d"
down_revision = "7c1f0e9a4d2b"
branch_labels = None
depends_on = None

SUMMARY = ["resident_id", "issue_year", "type_key", "type_name", "province", "issuance", "reimbursement", "total"]


def _fill(table: str) -> None:
    """Each row's claimable amount from the signed document it shares with its bill (by code and number)."""
    bind = op.get_bind()
    documents = sa.table("bill_documents", sa.column("code"), sa.column("number"), sa.column("canonical"))
    rows = sa.table(table, sa.column("code"), sa.column("number"), sa.column("claimable"))
    for code, number, canonical in bind.execute(sa.select(documents.c.code, documents.c.number, documents.c.canonical)):
        bind.execute(
            rows.update()
            .where(rows.c.code == code, rows.c.number == number)
            .values(claimable=claimable_total(json.loads(canonical)))
        )


def upgrade() -> None:
    for table in ("bills", "file_claims"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("claimable", sa.BigInteger(), nullable=True))
        _fill(table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("claimable", existing_type=sa.BigInteger(), nullable=False)
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.drop_index("ix_bills_resident_summary")
        batch_op.create_index("ix_bills_resident_summary", [*SUMMARY, "claimable", "reimbursed_amount"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.drop_index("ix_bills_resident_summary")
        batch_op.create_index("ix_bills_resident_summary", SUMMARY, unique=False)
    for table in ("file_claims", "bills"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("claimable")
