"""audit verifications: each run of the chain check, so "last verified" survives restarts

Revision ID: b41d7e2c9a15
Revises: 066dd16f67d3
Create Date: 2026-12-06 09:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "b41d7e2c9a15"
down_revision = "066dd16f67d3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.String(length=80), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("up_to", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("heads_checked", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fault_kind", sa.String(length=24), nullable=False),
        sa.Column("fault_id", sa.Integer(), nullable=True),
        sa.Column("fault_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fault_text", sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_verifications")),
    )
    with op.batch_alter_table("audit_verifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_verifications_started_at"), ["started_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_verifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_verifications_started_at"))
    op.drop_table("audit_verifications")
