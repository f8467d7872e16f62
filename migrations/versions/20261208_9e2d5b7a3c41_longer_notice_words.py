"""longer notice words: a notification's and a reminder's title, body and link label hold Mongolian

Mongolian runs three to four times the length of the Chinese it translates, and notices are worded in
the resident's language. SQLite does not enforce a VARCHAR's length, so only other backends change
(and a batch copy of these tables on SQLite is not worth its risk for nothing).

Revision ID: 9e2d5b7a3c41
Revises: 4c8e1a7d2f90
Create Date: 2026-12-08 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "9e2d5b7a3c41"
down_revision = "4c8e1a7d2f90"
branch_labels = None
depends_on = None

TABLES = ("notifications", "reminders")
# column: (length before, length after)
LENGTHS = {"title": (60, 200), "body": (300, 1200), "link_label": (20, 80)}


def _resize(after: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table in TABLES:
        for column, lengths in LENGTHS.items():
            length = lengths[1] if after else lengths[0]
            op.alter_column(
                table,
                column,
                type_=sa.String(length=length),
                existing_nullable=False,
                # Going back, a longer text is cut to fit rather than refusing the downgrade.
                postgresql_using=None if after else f"left({column}, {length})",
            )


def upgrade() -> None:
    _resize(after=True)


def downgrade() -> None:
    _resize(after=False)
