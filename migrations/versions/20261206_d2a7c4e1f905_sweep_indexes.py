"""indexes for the sweep of what time alone changes

The sweep (wallet.services.authorizations.sweep) runs in the worker, on every open stream
server every few seconds and before a unit's API list; with one ``OR`` across states and the
bill's issuance it read every open claim. Its three branches now each start from an index:
due expiries, lapsed locks, and the few bills that are no longer normal.

Revision ID: d2a7c4e1f905
Revises: 4a7e2d9c1b68
Create Date: 2026-12-06 13:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "d2a7c4e1f905"
down_revision = "4a7e2d9c1b68"
branch_labels = None
depends_on = None

NOT_NORMAL = sa.text("issuance <> 'normal'")


def upgrade() -> None:
    op.create_index("ix_claims_due_expiry", "claims", ["state", "expires_at"])
    op.create_index("ix_claims_due_lapse", "claims", ["state", "lock_expires_at"])
    op.create_index("ix_bills_not_normal", "bills", ["id"], postgresql_where=NOT_NORMAL, sqlite_where=NOT_NORMAL)


def downgrade() -> None:
    op.drop_index("ix_bills_not_normal", table_name="bills")
    op.drop_index("ix_claims_due_lapse", table_name="claims")
    op.drop_index("ix_claims_due_expiry", table_name="claims")
