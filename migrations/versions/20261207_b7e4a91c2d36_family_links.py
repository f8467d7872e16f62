"""family links: held accounts of children, guardians' and spouses' links, shared bills, family access

A minor child's bills are held in a resident row of the child's own (``held_since``: no login
of its own until the child activates a wallet, which adopts the row). ``family_links`` joins a
guardian to a child (ending on the 18th birthday) or two spouses (confirmed by both);
``family_shares`` holds what one spouse shares with the other. The access history names the
family member who opened or acted on a bill, with no unit and no claim (share links made those
columns nullable already).

Revision ID: b7e4a91c2d36
Revises: 6b1e4f2a9c07
Create Date: 2026-12-07 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "b7e4a91c2d36"
down_revision = "6b1e4f2a9c07"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("residents") as batch:
        batch.add_column(sa.Column("held_since", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "family_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=8), nullable=False),
        sa.Column("open_key", sa.String(length=48), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name=op.f("fk_family_links_resident_id_residents"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["residents.id"], name=op.f("fk_family_links_member_id_residents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_links")),
        sa.UniqueConstraint("open_key", name=op.f("uq_family_links_open_key")),
    )
    op.create_index("ix_family_links_resident", "family_links", ["resident_id", "relation"])
    op.create_index("ix_family_links_member", "family_links", ["member_id", "relation"])
    op.create_index("ix_family_links_due", "family_links", ["ended_at", "ends_on"])
    op.create_table(
        "family_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"], ["family_links.id"], name=op.f("fk_family_shares_link_id_family_links"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["residents.id"], name=op.f("fk_family_shares_owner_id_residents"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_family_shares_bill_id_bills"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_shares")),
        sa.UniqueConstraint("link_id", "owner_id", "bill_id", name=op.f("uq_family_shares_bill")),
        sa.UniqueConstraint("link_id", "owner_id", "year", name=op.f("uq_family_shares_year")),
    )
    op.create_index(op.f("ix_family_shares_link_id"), "family_shares", ["link_id"])
    op.create_index(op.f("ix_family_shares_bill_id"), "family_shares", ["bill_id"])
    with op.batch_alter_table("access_events") as batch:
        batch.add_column(sa.Column("actor_resident_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("actor_label", sa.String(length=40), nullable=False, server_default=""))
        batch.create_foreign_key(
            batch.f("fk_access_events_actor_resident_id_residents"),
            "residents",
            ["actor_resident_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    op.execute("DELETE FROM access_events WHERE actor_label <> ''")
    with op.batch_alter_table("access_events") as batch:
        batch.drop_constraint(batch.f("fk_access_events_actor_resident_id_residents"), type_="foreignkey")
        batch.drop_column("actor_label")
        batch.drop_column("actor_resident_id")
    op.drop_index("ix_family_shares_bill_id", table_name="family_shares")
    op.drop_index("ix_family_shares_link_id", table_name="family_shares")
    op.drop_table("family_shares")
    op.drop_index("ix_family_links_due", table_name="family_links")
    op.drop_index("ix_family_links_member", table_name="family_links")
    op.drop_index("ix_family_links_resident", table_name="family_links")
    op.drop_table("family_links")
    op.execute("DELETE FROM residents WHERE held_since IS NOT NULL")
    # Plain DROP COLUMN (SQLite has it since 3.35): a batch copy would drop and re-create ``residents``,
    # and dropping it deletes every resident's bills, claims and receipts through ON DELETE CASCADE.
    op.drop_column("residents", "held_since")
