"""Readiness: a part takes traffic only when its database answers and its schema is not behind the code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests
from alembic.script import ScriptDirectory
from sqlalchemy import text

from wallet.migrate import alembic_config


@contextmanager
def recorded_revision(wallet_app, revision: str | None) -> Iterator[None]:
    """Pretend the wallet database is at ``revision`` (``None``: never migrated), then put it back."""
    db = wallet_app.extensions["sqlalchemy"]
    with wallet_app.app_context():
        with db.engine.begin() as conn:
            saved = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            conn.execute(text("DELETE FROM alembic_version"))
            if revision is not None:
                conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": revision})
    try:
        yield
    finally:
        with wallet_app.app_context():
            with db.engine.begin() as conn:
                conn.execute(text("DELETE FROM alembic_version"))
                for value in saved:
                    conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": value})


def older_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config())
    heads = set(script.get_heads())
    return next(rev.revision for rev in script.walk_revisions() if rev.revision not in heads)


@pytest.mark.parametrize(("prefix", "part"), [("/idp", "idp"), ("/fiscal", "fiscal")])
def test_stub_is_ready_when_its_database_answers(system, prefix, part):
    response = requests.get(f"{system.url}{prefix}/readyz", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "part": part, "database": "up"}


def test_wallet_is_ready_at_the_migration_head(system):
    response = requests.get(f"{system.url}/readyz", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "part": "wallet", "database": "up", "schema": "current"}


def test_wallet_is_not_ready_while_its_schema_is_behind(system, wallet_app):
    with recorded_revision(wallet_app, older_revision()):
        response = requests.get(f"{system.url}/readyz", timeout=10)
        alive = requests.get(f"{system.url}/healthz", timeout=10)
    assert response.status_code == 503
    assert response.json()["schema"] == "behind"
    assert alive.status_code == 200, "liveness must not fail for a pending migration (no restart loop)"
    assert requests.get(f"{system.url}/readyz", timeout=10).status_code == 200


def test_wallet_is_not_ready_on_a_database_never_migrated(system, wallet_app):
    with recorded_revision(wallet_app, None):
        response = requests.get(f"{system.url}/readyz", timeout=10)
    assert response.status_code == 503
    assert response.json() == {"status": "not_ready", "part": "wallet", "database": "up", "schema": "behind"}


def test_wallet_stays_ready_when_a_newer_release_migrated_first(system, wallet_app):
    with recorded_revision(wallet_app, "f00dfeedbeef"):
        response = requests.get(f"{system.url}/readyz", timeout=10)
    assert response.status_code == 200
    assert response.json()["schema"] == "newer"


def test_readiness_reports_a_dead_database(tmp_path):
    from wallet import create_app

    app = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.db"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "not_ready", "part": "wallet", "database": "down"}
