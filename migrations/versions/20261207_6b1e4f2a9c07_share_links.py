"""share links for offices without an account, and their openings in the access history

A resident hands chosen bills to an office that has no account in the network by a link and
QR code: ``share_links`` keeps the token's hash, the purpose, the expiry, the optional access
code's keyed hash and how the link ended; ``share_link_bills`` the bills it shows. An opening
enters ``access_events`` like a unit's view, naming the link instead of a unit and a claim.

Revision ID: 6b1e4f2a9c07
Revises: 3b9e6c1d4f72
Create Date: 2026-12-07 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "6b1e4f2a9c07"
down_revision = "3b9e6c1d4f72"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=24), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("code_failures", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dead_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dead_reason", sa.String(length=24), nullable=True),
        sa.Column("opened_count", sa.Integer(), nullable=False),
        sa.Column("last_opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name=op.f("fk_share_links_resident_id_residents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_share_links_token_hash")),
    )
    op.create_index("ix_share_links_resident_created", "share_links", ["resident_id", "created_at"], unique=False)
    op.create_table(
        "share_link_bills",
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reimbursed_at_share", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_share_link_bills_bill_id_bills"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["link_id"], ["share_links.id"], name=op.f("fk_share_link_bills_link_id_share_links"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("link_id", "bill_id", name=op.f("pk_share_link_bills")),
    )
    op.create_index(op.f("ix_share_link_bills_bill_id"), "share_link_bills", ["bill_id"], unique=False)
    with op.batch_alter_table("access_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("share_link_id", sa.Integer(), nullable=True))
        batch_op.alter_column("unit_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("claim_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_access_events_share_link_id_share_links"),
            "share_links",
            ["share_link_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_access_events_share_link_id"), ["share_link_id"], unique=False)


def downgrade() -> None:
    op.execute("DELETE FROM access_events WHERE share_link_id IS NOT NULL")
    with op.batch_alter_table("access_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_events_share_link_id"))
        batch_op.drop_constraint(batch_op.f("fk_access_events_share_link_id_share_links"), type_="foreignkey")
        batch_op.alter_column("claim_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("unit_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("share_link_id")
    op.drop_index(op.f("ix_share_link_bills_bill_id"), table_name="share_link_bills")
    op.drop_table("share_link_bills")
    op.drop_index("ix_share_links_resident_created", table_name="share_links")
    op.drop_table("share_links")
