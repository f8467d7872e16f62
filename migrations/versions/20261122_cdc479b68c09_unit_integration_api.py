"""unit integration API: credentials, used nonces, idempotent replies

Each unit's appId, sealed appKey and registered envelope public key; the nonces a
credential used (kept in the database so every process refuses the same replays); and the
replies kept under Idempotency-Key for retries of mutating calls.

Revision ID: cdc479b68c09
Revises: 660cc0b38db6
Create Date: 2026-11-22 19:59:30.633033
"""

import sqlalchemy as sa
from alembic import op

revision = "cdc479b68c09"
down_revision = "660cc0b38db6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.String(length=32), nullable=False),
        sa.Column("app_key_enc", sa.LargeBinary(), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.Column("key_issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_issued_by", sa.Integer(), nullable=True),
        sa.Column("envelope_alg", sa.String(length=40), nullable=True),
        sa.Column("envelope_kid", sa.String(length=40), nullable=True),
        sa.Column("envelope_public_pem", sa.Text(), nullable=True),
        sa.Column("envelope_registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_issued_by"],
            ["unit_users.id"],
            name=op.f("fk_api_credentials_key_issued_by_unit_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_api_credentials_unit_id_units"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_credentials")),
        sa.UniqueConstraint("app_id", name=op.f("uq_api_credentials_app_id")),
        sa.UniqueConstraint("unit_id", name=op.f("uq_api_credentials_unit_id")),
    )
    op.create_table(
        "api_idempotent_replies",
        sa.Column("credential_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("reply_enc", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["api_credentials.id"],
            name=op.f("fk_api_idempotent_replies_credential_id_api_credentials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("credential_id", "key", name=op.f("pk_api_idempotent_replies")),
    )
    with op.batch_alter_table("api_idempotent_replies", schema=None) as batch_op:
        batch_op.create_index(
            "ix_api_idempotent_replies_credential_expires", ["credential_id", "expires_at"], unique=False
        )

    op.create_table(
        "api_nonces",
        sa.Column("credential_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["api_credentials.id"],
            name=op.f("fk_api_nonces_credential_id_api_credentials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("credential_id", "nonce", name=op.f("pk_api_nonces")),
    )
    with op.batch_alter_table("api_nonces", schema=None) as batch_op:
        batch_op.create_index("ix_api_nonces_credential_expires", ["credential_id", "expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("api_nonces", schema=None) as batch_op:
        batch_op.drop_index("ix_api_nonces_credential_expires")

    op.drop_table("api_nonces")
    with op.batch_alter_table("api_idempotent_replies", schema=None) as batch_op:
        batch_op.drop_index("ix_api_idempotent_replies_credential_expires")

    op.drop_table("api_idempotent_replies")
    op.drop_table("api_credentials")
