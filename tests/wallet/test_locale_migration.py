"""The resident's language columns come and go without touching a resident or their bills."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from wallet.migrate import alembic_config

pytestmark = pytest.mark.slow

LOCALE = "4c8e1a7d2f90"
BEFORE = "b7e4a91c2d36"
AT = "'2026-11-01 00:00:00'"


def test_the_locale_migration_keeps_residents_both_ways(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'wallet.db'}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, BEFORE)
        conn.execute(
            text(
                "INSERT INTO residents (id, oidc_sub, name_enc, id_number_enc, id_number_hash, activated_at,"
                f" terms_version, terms_accepted_at, created_at) VALUES (1, 's1', x'00', x'00', 'h1', {AT}, '1', {AT},"
                f" {AT})"
            )
        )
        conn.execute(
            text(
                "INSERT INTO sync_states (resident_id, state, subscribed, progress, rejected, attempts, change_seq,"
                " unread_notifications) VALUES (1, 'done', 0, 0, 0, 0, 3, 0)"
            )
        )
        command.upgrade(cfg, LOCALE)
        assert conn.execute(text("SELECT locale, locale_chosen FROM residents")).one() == (None, 0)
        conn.execute(text("UPDATE residents SET locale = 'mn_Mong_CN', locale_chosen = 1"))
        command.downgrade(cfg, BEFORE)
        assert {c["name"] for c in inspect(conn).get_columns("residents")} >= {"oidc_sub", "held_since"}
        assert "locale" not in {c["name"] for c in inspect(conn).get_columns("residents")}
        assert conn.execute(text("SELECT count(*) FROM residents")).scalar_one() == 1
        assert conn.execute(text("SELECT change_seq FROM sync_states")).scalar_one() == 3
    engine.dispose()
