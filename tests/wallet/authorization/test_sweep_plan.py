"""The sweep of what time alone changes reads indexes, not every open claim.

Open stream servers sweep every few seconds and a unit's API list sweeps first; with one
``OR`` across states and the bill's issuance, SQLite and PostgreSQL both scanned the claims.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.dialects import sqlite

from common.timeutil import utcnow
from wallet.extensions import db
from wallet.models.claim import Claim
from wallet.services.authorizations import _due


@pytest.fixture(scope="module")
def engine():
    engine = create_engine("sqlite://")
    db.metadata.create_all(engine)
    yield engine
    engine.dispose()


def plan(engine, statement) -> str:
    compiled = statement.compile(dialect=sqlite.dialect())
    params = [str(compiled.params[name]) for name in compiled.positiontup]
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", tuple(params)).all()
    return "\n".join(row[-1] for row in rows)


@pytest.mark.parametrize(
    "scope", [[], [Claim.unit_id == 7], [Claim.resident_id == 9]], ids=["everyone", "one unit", "one resident"]
)
def test_each_branch_of_the_sweep_starts_from_an_index(engine, scope):
    shown = plan(engine, _due(utcnow(), list(scope)).limit(200))
    scans = [line for line in shown.splitlines() if line.startswith("SCAN")]
    # The only scan allowed is of the partial index that holds the bills no longer normal.
    assert scans == ["SCAN bills USING INDEX ix_bills_not_normal"], shown
    if not scope:
        for index in ("ix_claims_due_expiry", "ix_claims_due_lapse", "ix_bills_not_normal"):
            assert index in shown, shown
