"""reminders, the resident's reminder choices, Web Push subscriptions and their outbox

The worker now works out what is due from the bills and claims (a claim window closing, a lock
about to lapse, an authorization about to run out, a remainder another unit could pay, an
authorized bill red-reversed) and tells the resident once per due date: ``reminders.due_key``
is unique for that. A unit may set its own claim period; a notification may carry the one
action that settles it. Two indexes let the rules read only the bills they concern.

Revision ID: 3b9e6c1d4f72
Revises: 5e8b2f0c7a31
Create Date: 2026-12-07 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from common.columns import UTCDateTime

revision = "3b9e6c1d4f72"
down_revision = "5e8b2f0c7a31"
branch_labels = None
depends_on = None

PARTLY = sa.text("reimbursement = 'partially_reimbursed'")


def upgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("claim_period_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("link", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("link_label", sa.String(20), nullable=False, server_default=""))
    op.create_index("ix_bills_issued", "bills", ["issued_at"])
    op.create_index("ix_bills_collected", "bills", ["collected_at"])
    op.create_index("ix_bills_partly_reimbursed", "bills", ["id"], postgresql_where=PARTLY, sqlite_where=PARTLY)
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=True),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("due_key", sa.String(96), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("notification_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(60), nullable=False),
        sa.Column("body", sa.String(300), nullable=False),
        sa.Column("link", sa.String(200), nullable=False),
        sa.Column("link_label", sa.String(20), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name="fk_reminders_resident_id_residents", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["bill_id"], ["bills.id"], name="fk_reminders_bill_id_bills", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name="fk_reminders_claim_id_claims", ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_reminders_unit_id_units", ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name="fk_reminders_notification_id_notifications",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_reminders"),
        sa.UniqueConstraint("due_key", name="uq_reminders_due_key"),
    )
    op.create_index("ix_reminders_state_resident", "reminders", ["state", "resident_id"])
    op.create_index("ix_reminders_bill_sent", "reminders", ["bill_id", "sent_at"])
    op.create_index("ix_reminders_resident_sent", "reminders", ["resident_id", "sent_at"])
    op.create_table(
        "reminder_settings",
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("off_kinds", sa.String(200), nullable=False, server_default=""),
        sa.Column("digest", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name="fk_reminder_settings_resident_id_residents", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("resident_id", name="pk_reminder_settings"),
    )
    op.create_table(
        "push_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("endpoint_hash", sa.String(64), nullable=False),
        sa.Column("endpoint", sa.Text(), nullable=False),
        sa.Column("p256dh", sa.String(120), nullable=False),
        sa.Column("auth", sa.String(40), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_sent_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name="fk_push_subscriptions_resident_id_residents", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_push_subscriptions"),
        sa.UniqueConstraint("endpoint_hash", name="uq_push_subscriptions_endpoint_hash"),
    )
    op.create_index("ix_push_subscriptions_resident_id", "push_subscriptions", ["resident_id"])
    op.create_table(
        "push_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name="fk_push_messages_resident_id_residents", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_push_messages"),
    )
    op.create_index("ix_push_messages_state", "push_messages", ["state", "id"])
    op.create_table(
        "reminder_scans",
        sa.Column("rule", sa.String(16), nullable=False),
        sa.Column("scanned_to", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("rule", name="pk_reminder_scans"),
    )


def downgrade() -> None:
    op.drop_table("reminder_scans")
    op.drop_index("ix_push_messages_state", table_name="push_messages")
    op.drop_table("push_messages")
    op.drop_index("ix_push_subscriptions_resident_id", table_name="push_subscriptions")
    op.drop_table("push_subscriptions")
    op.drop_table("reminder_settings")
    op.drop_index("ix_reminders_resident_sent", table_name="reminders")
    op.drop_index("ix_reminders_bill_sent", table_name="reminders")
    op.drop_index("ix_reminders_state_resident", table_name="reminders")
    op.drop_table("reminders")
    op.drop_index("ix_bills_partly_reimbursed", table_name="bills")
    op.drop_index("ix_bills_collected", table_name="bills")
    op.drop_index("ix_bills_issued", table_name="bills")
    # Plain DROP COLUMN (SQLite has it since 3.35): a batch copy would drop and re-create ``units``,
    # and dropping it deletes every unit user through their ON DELETE CASCADE.
    op.drop_column("notifications", "link_label")
    op.drop_column("notifications", "link")
    op.drop_column("units", "claim_period_days")
