"""unit API in standard JOSE: units' JWK Sets, the wallet's own key pairs

Revision ID: 7c1f0e9a4d2b
Revises: 9d3e51c7a2b4
Create Date: 2026-12-06 07:00:00.000000

A unit's registered envelope key (PEM) becomes a one-key JWK Set with its RFC 7638
thumbprint as kid and no ``use``, so it both verifies the unit's JWS and receives its
replies; an X25519 key has no place in the JOSE suite and is dropped (the unit registers
a P-256 JWK again). The wallet's key pairs get a table for rotation.
"""

import json

import sqlalchemy as sa
from alembic import op
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

revision = "7c1f0e9a4d2b"
down_revision = "9d3e51c7a2b4"
branch_labels = None
depends_on = None


def _jwks(pem: str) -> str | None:
    try:
        key = ECKey.import_key(pem)
    except (JoseError, ValueError, TypeError):  # an X25519 key: no JOSE suite here
        return None
    jwk = key.as_dict(private=False)
    if jwk.get("crv") != "P-256":
        return None
    return json.dumps({"keys": [{**jwk, "kid": key.thumbprint()}]}, sort_keys=True, separators=(",", ":"))


def upgrade() -> None:
    op.create_table(
        "api_wallet_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("use", sa.String(length=3), nullable=False),
        sa.Column("private_enc", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_wallet_keys")),
        sa.UniqueConstraint("kid", name=op.f("uq_api_wallet_keys_kid")),
    )
    with op.batch_alter_table("api_credentials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_jwks", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("unit_jwks_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("unit_keys_at", sa.DateTime(timezone=True), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, envelope_public_pem, envelope_registered_at FROM api_credentials "
            "WHERE envelope_public_pem IS NOT NULL"
        )
    ).all()
    for row in rows:
        bind.execute(
            sa.text("UPDATE api_credentials SET unit_jwks = :jwks, unit_keys_at = :at WHERE id = :id"),
            {"jwks": _jwks(row.envelope_public_pem), "at": row.envelope_registered_at, "id": row.id},
        )
    with op.batch_alter_table("api_credentials", schema=None) as batch_op:
        batch_op.drop_column("envelope_registered_at")
        batch_op.drop_column("envelope_public_pem")
        batch_op.drop_column("envelope_kid")
        batch_op.drop_column("envelope_alg")


def downgrade() -> None:
    with op.batch_alter_table("api_credentials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("envelope_alg", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("envelope_kid", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("envelope_public_pem", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("envelope_registered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_column("unit_keys_at")
        batch_op.drop_column("unit_jwks_url")
        batch_op.drop_column("unit_jwks")
    op.drop_table("api_wallet_keys")
