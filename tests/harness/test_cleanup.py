"""Tests start only what they ask for, and a test against the system leaves behind exactly an empty database."""

from __future__ import annotations

import pytest
import requests
from flask import Flask
from sqlalchemy import create_engine, text

from fiscal_stub.demo import seed_network
from fiscal_stub.extensions import db
from tests.support.cleanup import written_tables
from tests.support.live_server import LiveServer


def rows(app: Flask, table: str) -> int:
    with app.app_context():
        return db.session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()


def test_a_test_asking_for_nothing_starts_no_server_and_opens_no_database(request):
    assert "live_server" not in request.fixturenames and "database_urls" not in request.fixturenames
    assert request.node.get_closest_marker("system") is None


@pytest.mark.parametrize(
    ("statement", "tables"),
    [
        ("INSERT INTO bill (code, number) VALUES (?, ?)", {"bill"}),
        ('INSERT OR REPLACE INTO "counter" (name, value) VALUES (?, ?)', {"counter"}),
        ('UPDATE "fault_state" SET latency_ms=%(latency_ms)s WHERE fault_state.id = %(id)s', {"fault_state"}),
        ("delete from status_event where id > 3", {"status_event"}),
        (
            "WITH gone AS (DELETE FROM claims RETURNING id) INSERT INTO audit_log (id) SELECT id FROM gone",
            {"claims", "audit_log"},
        ),
        ("SELECT bill.id FROM bill WHERE bill.code = ? FOR UPDATE", set()),
        ("SELECT count(*) FROM province", set()),
    ],
)
def test_every_kind_of_write_names_its_table(statement, tables):
    assert (
        written_tables(statement)
        & {"bill", "counter", "fault_state", "status_event", "claims", "audit_log", "province"}
        == tables
    )


def test_only_the_tables_a_test_wrote_are_emptied(system: LiveServer, fiscal_app: Flask, database_urls: dict[str, str]):
    writes = system.writes["fiscal"]
    with fiscal_app.app_context():
        seed_network()
    switched = requests.post(f"{system.url}/fiscal/api/v1/_faults", json={"latency_ms": 1}, timeout=10)
    assert switched.status_code == 200  # written by the server's thread, not the test's
    assert {"province", "signing_key", "issuing_unit", "fault_state"} <= writes.written
    assert "bill" not in writes.written

    assert writes.clean() >= {"province", "signing_key", "fault_state"}
    assert [rows(fiscal_app, t) for t in ("province", "signing_key", "issuing_unit", "fault_state")] == [0, 0, 0, 0]
    assert writes.written == set()

    outside = create_engine(database_urls["fiscal"])  # another engine: its writes go unseen
    with outside.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO fault_state (id, latency_ms, error_permille, forge_next, feed_down) "
                "VALUES (1, 0, 0, false, false)"
            )
        )
    outside.dispose()
    writes.clean()
    assert rows(fiscal_app, "fault_state") == 1, "a table the test's engines did not write is left alone"
    with fiscal_app.app_context():
        db.session.execute(text("DELETE FROM fault_state"))
        db.session.commit()
    assert "fault_state" in writes.written
