"""The three parts answer over real HTTP from one server, each with its own database."""

from __future__ import annotations

import pytest
import requests


@pytest.mark.parametrize(("prefix", "part"), [("", "wallet"), ("/idp", "idp"), ("/fiscal", "fiscal")])
def test_each_part_reports_healthy(system, prefix, part):
    response = requests.get(f"{system.url}{prefix}/healthz", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "part": part, "database": "up"}


def test_health_reports_a_dead_database(tmp_path):
    from wallet import create_app

    app = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.db"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "down"


def test_parts_keep_separate_databases(system):
    urls = set()
    for part in system.parts.values():
        with part.app_context():
            urls.add(str(part.extensions["sqlalchemy"].engine.url))
    assert len(urls) == 3
