"""per-bill daily check counts

One row per bill checked today (code, number, day in China) so the per-bill daily
verification limit holds across every wallet process.

Revision ID: 033314391cc1
Revises: 4a5a1b3b7909
Create Date: 2026-11-22 19:44:26.026933
"""

import sqlalchemy as sa
from alembic import op

revision = "033314391cc1"
down_revision = "4a5a1b3b7909"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bill_check_counts",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("number", sa.String(length=10), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", "number", "day", name=op.f("pk_bill_check_counts")),
    )


def downgrade() -> None:
    op.drop_table("bill_check_counts")
