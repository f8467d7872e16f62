"""resident locale: the language of a resident's pages and notices

``locale`` comes from 蒙速办's ``locale`` claim at each login until the resident chooses one on
我的 (``locale_chosen``); None is Chinese, as every resident was before.

Revision ID: 4c8e1a7d2f90
Revises: b7e4a91c2d36
Create Date: 2026-12-08 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "4c8e1a7d2f90"
down_revision = "b7e4a91c2d36"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on every backend: a batch copy of ``residents`` would cascade-delete their bills.
    op.add_column("residents", sa.Column("locale", sa.String(length=16), nullable=True))
    op.add_column("residents", sa.Column("locale_chosen", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite has it since 3.35): a batch copy would drop and re-create ``residents``,
    # and dropping it deletes every resident's bills, claims and receipts through ON DELETE CASCADE.
    op.drop_column("residents", "locale_chosen")
    op.drop_column("residents", "locale")
