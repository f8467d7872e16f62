"""one claims table for every claim a unit handles

Account-mode authorizations and file-mode claims become rows of ``claims`` with a
``source``; what only a file claim has (its copy of the verified bill) moves to
``claim_files``. Authorizations keep their ids, so receipts, access events and audit
entries (``authorization:<id>``) still name the same claim; file claims are numbered after
them and remember their former id (``claim_files.former_id``) for audit entries that say
``file_claim:<id>``. A file claim whose bill is also in a resident's wallet points at that
copy, so the resident sees what the unit did.

Revision ID: 3e8a5c1d7b90
Revises: b41d7e2c9a15
Create Date: 2026-12-06 10:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

from common.columns import UTCDateTime

revision = "3e8a5c1d7b90"
down_revision = "b41d7e2c9a15"
branch_labels = None
depends_on = None

LIFECYCLE = [
    "unit_id",
    "state",
    "claim_ref",
    "created_at",
    "expires_at",
    "locked_at",
    "lock_expires_at",
    "lapse_noted_at",
    "closed_at",
    "end_reason",
    "amount",
    "serial",
    "voucher",
    "reimbursed_at",
    "acted_by",
]
BILL_COPY = [
    "code",
    "number",
    "check_code",
    "type_key",
    "type_name",
    "issuer_name",
    "issued_at",
    "total",
    "claimable",
    "signature_alg",
    "signature_kid",
    "signature_value",
    "verified_by",
    "issuance",
    "reimbursement",
    "reimbursed_amount",
    "status_json",
    "version",
    "updated_at",
]
BATCH = 500


def _lifecycle_columns() -> list[sa.Column]:
    return [
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("claim_ref", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("locked_at", UTCDateTime(), nullable=True),
        sa.Column("lock_expires_at", UTCDateTime(), nullable=True),
        sa.Column("lapse_noted_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("end_reason", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("serial", sa.String(length=64), nullable=True),
        sa.Column("voucher", sa.String(length=64), nullable=True),
        sa.Column("reimbursed_at", UTCDateTime(), nullable=True),
        sa.Column("acted_by", sa.Integer(), nullable=True),
    ]


def _bill_copy_columns() -> list[sa.Column]:
    return [
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("number", sa.String(length=10), nullable=False),
        sa.Column("check_code", sa.String(length=6), nullable=False),
        sa.Column("type_key", sa.String(length=40), nullable=False),
        sa.Column("type_name", sa.String(length=60), nullable=False),
        sa.Column("issuer_name", sa.String(length=120), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("claimable", sa.BigInteger(), nullable=False),
        sa.Column("signature_alg", sa.String(length=40), nullable=False),
        sa.Column("signature_kid", sa.String(length=40), nullable=False),
        sa.Column("signature_value", sa.Text(), nullable=False),
        sa.Column("verified_by", sa.String(length=16), nullable=False),
        sa.Column("issuance", sa.String(length=20), nullable=False),
        sa.Column("reimbursement", sa.String(length=24), nullable=False),
        sa.Column("reimbursed_amount", sa.BigInteger(), nullable=False),
        sa.Column("status_json", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    ]


def _copy(source: sa.Table, target: sa.Table, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        op.get_bind().execute(target.insert(), rows[start : start + BATCH])


def _table(name: str) -> sa.Table:
    return sa.Table(name, sa.MetaData(), autoload_with=op.get_bind())


def _restart_ids(table: str) -> None:
    """PostgreSQL hands out ids from a sequence; rows copied in with their ids must move it on."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("open_key", sa.String(length=48), nullable=True),
        sa.Column("receipt_id", sa.Integer(), nullable=True),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("bill_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("pending_action", sa.String(length=12), nullable=True),
        sa.Column("pending_token", sa.String(length=32), nullable=True),
        sa.Column("pending_since", UTCDateTime(), nullable=True),
        *_lifecycle_columns(),
        sa.ForeignKeyConstraint(
            ["acted_by"], ["unit_users.id"], name=op.f("fk_claims_acted_by_unit_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["bill_id"], ["bills.id"], name=op.f("fk_claims_bill_id_bills"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["receipt_id"],
            ["authorization_receipts.id"],
            name=op.f("fk_claims_receipt_id_authorization_receipts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name=op.f("fk_claims_resident_id_residents"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_claims_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("open_key", name=op.f("uq_claims_open_key")),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claims_bill_id"), ["bill_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_receipt_id"), ["receipt_id"], unique=False)
        batch_op.create_index("ix_claims_resident_state", ["resident_id", "state"], unique=False)
        batch_op.create_index("ix_claims_unit_state", ["unit_id", "state", "created_at"], unique=False)
    op.create_table(
        "claim_files",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("former_id", sa.Integer(), nullable=True),
        *_bill_copy_columns(),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_files_claim_id_claims"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("claim_id", name=op.f("pk_claim_files")),
    )
    with op.batch_alter_table("claim_files", schema=None) as batch_op:
        batch_op.create_index("ix_claim_files_code_number", ["code", "number"], unique=False)

    _move_claims_in()

    with op.batch_alter_table("access_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_events_authorization_id"))
        batch_op.drop_constraint(batch_op.f("fk_access_events_authorization_id_authorizations"), type_="foreignkey")
        batch_op.alter_column("authorization_id", new_column_name="claim_id")
    with op.batch_alter_table("access_events", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_access_events_claim_id_claims"), "claims", ["claim_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_index(batch_op.f("ix_access_events_claim_id"), ["claim_id"], unique=False)
    op.drop_table("file_claims")
    op.drop_table("authorizations")


def _move_claims_in() -> None:
    bind = op.get_bind()
    authorizations, file_claims, bills = _table("authorizations"), _table("file_claims"), _table("bills")
    claims, claim_files = _table("claims"), _table("claim_files")
    account = [
        {
            "id": row.id,
            "source": "account",
            "receipt_id": row.receipt_id,
            "resident_id": row.resident_id,
            "bill_id": row.bill_id,
            "note": row.note,
            "open_key": f"bill:{row.open_bill_id}" if row.open_bill_id is not None else None,
            **{name: getattr(row, name) for name in LIFECYCLE},
        }
        for row in bind.execute(sa.select(authorizations).order_by(authorizations.c.id))
    ]
    _copy(authorizations, claims, account)
    after = max((row["id"] for row in account), default=0)
    files, copies = [], []
    for row in bind.execute(sa.select(file_claims).order_by(file_claims.c.id)):
        holder = bind.execute(
            sa.select(bills.c.id, bills.c.resident_id)
            .where(bills.c.code == row.code, bills.c.number == row.number)
            .order_by(bills.c.id)
            .limit(1)
        ).first()
        files.append(
            {
                "id": after + row.id,
                "source": "file",
                "receipt_id": None,
                "note": "",
                "resident_id": holder.resident_id if holder else None,
                "bill_id": holder.id if holder else None,
                "open_key": f"file:{row.open_key}" if row.open_key is not None else None,
                **{name: getattr(row, name) for name in LIFECYCLE},
            }
        )
        copies.append(
            {"claim_id": after + row.id, "former_id": row.id, **{name: getattr(row, name) for name in BILL_COPY}}
        )
    _copy(file_claims, claims, files)
    _copy(file_claims, claim_files, copies)
    _restart_ids("claims")


def downgrade() -> None:
    op.create_table(
        "authorizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("open_bill_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        *_lifecycle_columns(),
        sa.ForeignKeyConstraint(
            ["acted_by"], ["unit_users.id"], name=op.f("fk_authorizations_acted_by_unit_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_authorizations_bill_id_bills"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"],
            ["authorization_receipts.id"],
            name=op.f("fk_authorizations_receipt_id_authorization_receipts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name=op.f("fk_authorizations_resident_id_residents"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_authorizations_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authorizations")),
        sa.UniqueConstraint("open_bill_id", name=op.f("uq_authorizations_open_bill_id")),
    )
    with op.batch_alter_table("authorizations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_authorizations_bill_id"), ["bill_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_authorizations_receipt_id"), ["receipt_id"], unique=False)
        batch_op.create_index("ix_authorizations_resident_state", ["resident_id", "state"], unique=False)
        batch_op.create_index("ix_authorizations_unit_state", ["unit_id", "state", "created_at"], unique=False)
    op.create_table(
        "file_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("open_key", sa.String(length=40), nullable=True),
        *_bill_copy_columns(),
        *_lifecycle_columns(),
        sa.ForeignKeyConstraint(
            ["acted_by"], ["unit_users.id"], name=op.f("fk_file_claims_acted_by_unit_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_file_claims_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_file_claims")),
        sa.UniqueConstraint("open_key", name=op.f("uq_file_claims_open_key")),
    )
    with op.batch_alter_table("file_claims", schema=None) as batch_op:
        batch_op.create_index("ix_file_claims_code_number", ["code", "number"], unique=False)
        batch_op.create_index("ix_file_claims_unit_state", ["unit_id", "state", "created_at"], unique=False)
    # The old schema kept no resident's record of a unit's own file claims.
    op.execute("DELETE FROM access_events WHERE claim_id IN (SELECT id FROM claims WHERE source = 'file')")
    _move_claims_out()
    with op.batch_alter_table("access_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_events_claim_id"))
        batch_op.drop_constraint(batch_op.f("fk_access_events_claim_id_claims"), type_="foreignkey")
        batch_op.alter_column("claim_id", new_column_name="authorization_id")
    with op.batch_alter_table("access_events", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_access_events_authorization_id_authorizations"),
            "authorizations",
            ["authorization_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_access_events_authorization_id"), ["authorization_id"], unique=False)
    op.drop_table("claim_files")
    op.drop_table("claims")


def _move_claims_out() -> None:
    bind = op.get_bind()
    claims, claim_files = _table("claims"), _table("claim_files")
    authorizations, file_claims = _table("authorizations"), _table("file_claims")
    account, files = [], []
    joined = (
        sa.select(claims, *[c.label(f"f_{c.name}") for c in claim_files.c])
        .outerjoin(claim_files, claim_files.c.claim_id == claims.c.id)
        .order_by(claims.c.id)
    )
    for row in bind.execute(joined):
        common = {name: getattr(row, name) for name in LIFECYCLE}
        if row.source == "account":
            account.append(
                {
                    "id": row.id,
                    "receipt_id": row.receipt_id,
                    "resident_id": row.resident_id,
                    "bill_id": row.bill_id,
                    "note": row.note,
                    "open_bill_id": int(row.open_key.split(":")[1]) if row.open_key else None,
                    **common,
                }
            )
        else:
            files.append(
                {
                    "id": row.f_former_id or row.id,
                    "open_key": row.open_key.split(":", 1)[1] if row.open_key else None,
                    **{name: getattr(row, f"f_{name}") for name in BILL_COPY},
                    **common,
                }
            )
    _copy(claims, authorizations, account)
    _copy(claims, file_claims, files)
    _restart_ids("authorizations")
    _restart_ids("file_claims")
