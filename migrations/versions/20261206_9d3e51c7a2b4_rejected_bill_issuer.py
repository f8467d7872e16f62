"""rejected bill issuer

Revision ID: 9d3e51c7a2b4
Revises: 0a84028b5f05
Create Date: 2026-12-06 06:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "9d3e51c7a2b4"
down_revision = "0a84028b5f05"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The issuer a failed bill names, so the resident's notice can say whom to ask.
    with op.batch_alter_table("rejected_bills", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issuer_name", sa.String(length=100), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("rejected_bills", schema=None) as batch_op:
        batch_op.drop_column("issuer_name")
