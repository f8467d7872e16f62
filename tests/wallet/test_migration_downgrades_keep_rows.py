"""Downgrading past this round's migrations on SQLite keeps every row of the tables they altered.

SQLite alters a column by copying the table, dropping it and renaming the copy; dropping ``units`` or
``residents`` deletes, through ON DELETE CASCADE, every unit user or every resident's bills. The
downgrades therefore drop their columns in place; this pins it with rows in the tables that point at them.
"""

from __future__ import annotations

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from wallet.migrate import alembic_config

pytestmark = pytest.mark.slow

REMINDERS = "3b9e6c1d4f72"  # the first of this round's migrations: units and notifications gain columns
AT = "'2026-11-01 00:00:00'"


def test_a_downgrade_below_the_reminders_keeps_unit_users_and_residents_bills(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'wallet.db'}")
    cfg = alembic_config()
    before = ScriptDirectory.from_config(cfg).get_revision(REMINDERS).down_revision
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.execute(
            text(
                "INSERT INTO units (id, name, credit_code, code_claim, unit_type, address, legal_rep, contact_name,"
                " contact_phone, contact_id_enc, contact_id_hash, email, state, applied_at, updated_at) VALUES"
                " (1, '测试单位', '12150100MB0K2N6Q32', '12150100MB0K2N6Q32', 'other', '地址', '法人', '联系人',"
                f" '0471-6901234', x'00', 'h', 'a@b.cn', 'active', {AT}, {AT})"
            )
        )
        conn.execute(
            text(
                "INSERT INTO unit_users (id, unit_id, username, display_name, password_hash, totp_secret_enc,"
                f" created_at, role, must_change_password) VALUES (1, 1, 'u1', '联系人', 'scrypt:x', x'00', {AT},"
                " 'admin', 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO residents (id, oidc_sub, name_enc, id_number_enc, id_number_hash, activated_at,"
                " terms_version, terms_accepted_at, created_at) VALUES"
                f" (1, 's1', x'00', x'00', 'h1', {AT}, '1', {AT}, {AT})"
            )
        )
        conn.execute(
            text(
                "INSERT INTO sync_states (resident_id, state, subscribed, progress, rejected, attempts, change_seq,"
                " unread_notifications) VALUES (1, 'done', 0, 0, 0, 0, 3, 0)"
            )
        )
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, before)
        assert conn.execute(text("SELECT count(*) FROM unit_users")).scalar_one() == 1
        assert conn.execute(text("SELECT count(*) FROM residents")).scalar_one() == 1
        assert conn.execute(text("SELECT change_seq FROM sync_states")).scalar_one() == 3
        command.upgrade(cfg, "head")
        assert conn.execute(text("SELECT count(*) FROM unit_users")).scalar_one() == 1
    engine.dispose()
