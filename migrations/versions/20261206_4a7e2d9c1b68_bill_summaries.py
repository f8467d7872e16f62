"""bill summaries kept with every change of a resident's bills

The list page's totals and filter choices came from counting all of a resident's bills
after each change; ``bill_summaries`` holds those counts per year, type, province and
status, kept by every writer of ``bills`` in the same transaction. Filled here for the
bills already stored.

Revision ID: 4a7e2d9c1b68
Revises: 5f2c8d91e6a4
Create Date: 2026-12-06 12:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "4a7e2d9c1b68"
down_revision = "5f2c8d91e6a4"
branch_labels = None
depends_on = None

KEYS = "resident_id, issue_year, type_key, type_name, province, issuance, reimbursement"


def upgrade() -> None:
    op.create_table(
        "bill_summaries",
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("issue_year", sa.Integer(), nullable=False),
        sa.Column("type_key", sa.String(length=40), nullable=False),
        sa.Column("type_name", sa.String(length=60), nullable=False),
        sa.Column("province", sa.String(length=2), nullable=False),
        sa.Column("issuance", sa.String(length=20), nullable=False),
        sa.Column("reimbursement", sa.String(length=24), nullable=False),
        sa.Column("bills", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("positive_bills", sa.Integer(), nullable=False),
        sa.Column("claimable_left", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_bill_summaries_resident_id_residents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "resident_id",
            "issue_year",
            "type_key",
            "type_name",
            "province",
            "issuance",
            "reimbursement",
            name=op.f("pk_bill_summaries"),
        ),
        sqlite_with_rowid=False,
    )
    # What units may still reimburse on a positive bill: claimable less reimbursed, never below zero.
    op.execute(
        f"""
        INSERT INTO bill_summaries ({KEYS}, bills, amount, positive_bills, claimable_left)
        SELECT {KEYS}, COUNT(*), SUM(total),
               SUM(CASE WHEN total > 0 THEN 1 ELSE 0 END),
               SUM(CASE WHEN total > 0 AND claimable > reimbursed_amount THEN claimable - reimbursed_amount ELSE 0 END)
        FROM bills GROUP BY {KEYS}
        """
    )


def downgrade() -> None:
    op.drop_table("bill_summaries")
