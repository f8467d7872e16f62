"""data export jobs

Revision ID: 066dd16f67d3
Revises: 7c1f2e9a4b3d
Create Date: 2026-12-06 09:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "066dd16f67d3"
down_revision = "7c1f2e9a4b3d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The resident's export is built by the worker and kept, in chunks, until its link lapses.
    op.create_table(
        "data_exports",
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pdfs", sa.Integer(), nullable=False),
        sa.Column("missing_pdfs", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name=op.f("fk_data_exports_resident_id_residents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("resident_id", name=op.f("pk_data_exports")),
    )
    op.create_table(
        "data_export_chunks",
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["data_exports.resident_id"],
            name=op.f("fk_data_export_chunks_resident_id_data_exports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("resident_id", "seq", name=op.f("pk_data_export_chunks")),
    )


def downgrade() -> None:
    op.drop_table("data_export_chunks")
    op.drop_table("data_exports")
