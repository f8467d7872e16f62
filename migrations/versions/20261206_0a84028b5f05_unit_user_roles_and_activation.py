"""unit user roles, disabling and activation links

Revision ID: 0a84028b5f05
Revises: 5b0d4e7c2a91
Create Date: 2026-12-06 06:30:00.000000

Every user that exists already is its unit's first user, created at approval: it becomes
the unit's administrator. Its initial password was delivered in clear through the outbox,
so it must be changed at the next login.
"""

import sqlalchemy as sa
from alembic import op

revision = "0a84028b5f05"
down_revision = "5b0d4e7c2a91"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("unit_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=12), server_default="clerk", nullable=False))
        batch_op.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("activation_token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("activation_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_unit_users_activation_token_hash"), ["activation_token_hash"])
    op.execute(sa.text("UPDATE unit_users SET role = 'admin', must_change_password = :yes").bindparams(yes=True))


def downgrade() -> None:
    with op.batch_alter_table("unit_users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_unit_users_activation_token_hash"), type_="unique")
        batch_op.drop_column("activation_expires_at")
        batch_op.drop_column("activation_token_hash")
        batch_op.drop_column("must_change_password")
        batch_op.drop_column("disabled_at")
        batch_op.drop_column("role")
