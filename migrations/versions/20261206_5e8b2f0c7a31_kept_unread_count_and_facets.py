"""unread notifications and filter choices kept per resident

Every page's top bar shows the resident's unread notifications; counting them was a statement
of its own on every freshly made page. The count is now kept in ``sync_states`` (which every
page already reads with the resident), by every writer of notifications in the same statement
that bumps the change sequence. The list page's filter choices (three ``DISTINCT``s over the
resident's summary groups) are kept there too, by every writer of the resident's bills; until the
first such write they stay NULL and are read from the summary as before.

Revision ID: 5e8b2f0c7a31
Revises: d2a7c4e1f905
Create Date: 2026-12-06 13:50:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "5e8b2f0c7a31"
down_revision = "d2a7c4e1f905"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_states") as batch:
        batch.add_column(sa.Column("unread_notifications", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("facets", sa.Text(), nullable=True))
    op.execute(
        "UPDATE sync_states SET unread_notifications = (SELECT COUNT(*) FROM notifications n"
        " WHERE n.resident_id = sync_states.resident_id AND n.read_at IS NULL)"
    )


def downgrade() -> None:
    with op.batch_alter_table("sync_states") as batch:
        batch.drop_column("facets")
        batch.drop_column("unread_notifications")
