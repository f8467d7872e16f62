"""Users from before roles and activation links: each was its unit's first user, created with an
initial password sent in clear, so the migration makes it the administrator and forces a change."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from wallet.migrate import alembic_config

pytestmark = pytest.mark.slow

BEFORE = "5b0d4e7c2a91"


def test_existing_users_become_administrators_who_must_change_their_password(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, BEFORE)
        conn.execute(
            text(
                "INSERT INTO units (id, name, credit_code, code_claim, unit_type, address, legal_rep, contact_name,"
                " contact_phone, contact_id_enc, contact_id_hash, email, state, applied_at, updated_at) VALUES"
                " (1, '测试单位', '12150100MB0K2N6Q32', '12150100MB0K2N6Q32', 'other', '地址', '法人', '联系人',"
                " '0471-6901234', x'00', 'h', 'a@b.cn', 'active', '2026-11-01 00:00:00', '2026-11-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO unit_users"
                " (id, unit_id, username, display_name, password_hash, totp_secret_enc, created_at)"
                " VALUES (1, 1, '12150100mb0k2n6q8h', '联系人', 'scrypt:x', x'00', '2026-11-01 00:00:00')"
            )
        )
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        row = conn.execute(
            text("SELECT role, must_change_password, disabled_at, activation_token_hash FROM unit_users")
        ).one()
    assert tuple(row) == ("admin", 1, None, None)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, BEFORE)
        assert conn.execute(text("SELECT username FROM unit_users")).scalar_one() == "12150100mb0k2n6q8h"
    engine.dispose()
