"""A bill's page reads that bill and what it shows, once each, and nothing while it renders."""

from __future__ import annotations

import re

from sqlalchemy import event

from tests.wallet.authorization.fixtures import claimable, demo_units, grant  # noqa: F401  (fixture)
from wallet.extensions import db
from wallet.resident.list_cache import EXTENSION, ListCache

# The tables the page itself shows from (the signed-in user and the audit entry of the view aside).
SHOWN = ("bills", "bill_documents", "claims", "access_events", "bill_events")


def statements_of(wallet_app, client, path: str) -> list[str]:
    seen: list[str] = []
    with wallet_app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    return seen


def reads_from(statement: str) -> set[str]:
    return set(re.findall(r"\b(?:FROM|JOIN) (\w+)", statement)) & set(SHOWN)


def test_the_detail_page_reads_its_bill_and_parts_in_four_statements(client, wallet_app, rid, demo_units, monkeypatch):
    """Made afresh, as after every change (an unchanged page is kept: test_kept_bill_pages)."""
    monkeypatch.setitem(wallet_app.extensions, EXTENSION, ListCache(0))
    shown, other = claimable(wallet_app, rid, 2)
    grant(wallet_app, rid, demo_units["insurer"], [shown])
    grant(wallet_app, rid, demo_units["agency"], [other])
    client.get(f"/bills/{shown}")  # the welcome message after login is shown once
    statements = statements_of(wallet_app, client, f"/bills/{shown}")
    page = [s for s in statements if s.startswith("SELECT") and reads_from(s)]
    assert len(page) == 4, page
    # The bill comes with its signed document; only this bill's authorizations are read.
    assert {"bills", "bill_documents"} <= reads_from(page[0])
    [claims] = [s for s in page if s.startswith("SELECT claims")]
    assert "claims.bill_id = " in claims
    assert len(statements) <= 10, statements
    # The signed-in resident is loaded once: what runs after the view's record of the opening
    # (which commits, and so expires what the request loaded) must not load them again.
    assert sum(" FROM residents " in f"{s} " for s in statements) == 1, statements


def test_the_detail_page_shows_the_chip_of_its_own_open_authorization(client, wallet_app, rid, demo_units):
    shown, other = claimable(wallet_app, rid, 2)
    grant(wallet_app, rid, demo_units["agency"], [other])
    assert "已授权" not in chip_of(client.get(f"/bills/{shown}").get_data(as_text=True))
    grant(wallet_app, rid, demo_units["insurer"], [shown])
    assert "已授权" in chip_of(client.get(f"/bills/{shown}").get_data(as_text=True))


def chip_of(html: str) -> str:
    match = re.search(r'data-testid="status-chip">([^<]*)<', html)
    assert match, "the page shows no status chip"
    return match.group(1)
