"""bill summary index

Revision ID: 5b0d4e7c2a91
Revises: c799acd01fe5
Create Date: 2026-11-22 23:00:00.000000
"""

from alembic import op

revision = "5b0d4e7c2a91"
down_revision = "c799acd01fe5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The new index starts with (resident_id, issue_year), so the old year index is redundant.
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bills_resident_summary",
            ["resident_id", "issue_year", "type_key", "type_name", "province", "issuance", "reimbursement", "total"],
            unique=False,
        )
        batch_op.drop_index("ix_bills_resident_year")


def downgrade() -> None:
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.create_index("ix_bills_resident_year", ["resident_id", "issue_year"], unique=False)
        batch_op.drop_index("ix_bills_resident_summary")
