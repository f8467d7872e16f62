"""resident activation and terms

A resident row now exists only once the account is activated: activation time and terms
version become required, and the time the current terms were accepted is recorded.

Revision ID: 8192cdcceaaa
Revises: e38a00aade08
Create Date: 2026-11-22 19:19:39.781337
"""

import sqlalchemy as sa
from alembic import op

revision = "8192cdcceaaa"
down_revision = "e38a00aade08"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows never activated are not accounts; their owners activate again at next login.
    op.execute("DELETE FROM residents WHERE activated_at IS NULL OR terms_version IS NULL")
    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("terms_accepted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE residents SET terms_accepted_at = activated_at")
    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.alter_column("terms_accepted_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column("activated_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column("terms_version", existing_type=sa.String(length=16), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.alter_column("terms_version", existing_type=sa.String(length=16), nullable=True)
        batch_op.alter_column("activated_at", existing_type=sa.DateTime(timezone=True), nullable=True)
        batch_op.drop_column("last_login_at")
        batch_op.drop_column("terms_accepted_at")
