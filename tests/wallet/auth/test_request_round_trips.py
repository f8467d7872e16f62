"""What every signed-in request costs the database before its view reads anything: one statement.

The signed-in resident is loaded with their sync state in one indexed read, which is also the
check that ends a closed account's session; the closed-accounts check reads that row and no
other. On PostgreSQL that read is the request's only round trip: no pool ping, no ``BEGIN``,
no ``ROLLBACK`` closing a request that only read. The notification badge is the probe: its
count is kept per change sequence, so once counted it reads nothing of its own.
"""

from __future__ import annotations

from sqlalchemy import event

from tests.support.server_log import ServerLog
from tests.wallet.auth.flows import log_in
from wallet.extensions import db


def test_a_signed_in_request_that_reads_nothing_else_costs_one_statement(
    seeded_idp, client, wallet_app, db_backend, tmp_path
):
    log_in(client, "p1")
    assert client.get("/notifications/badge").status_code == 200  # counts the unread notices once
    log = ServerLog(tmp_path)
    with wallet_app.app_context():
        engine = db.engine
    engine.dispose()

    def attach(dbapi_connection, _record) -> None:
        log.attach(dbapi_connection)

    event.listen(engine, "connect", attach)
    try:
        assert client.get("/notifications/badge").status_code == 200  # opens and traces a connection
        mark = log.mark()
        assert client.get("/notifications/badge").status_code == 200
        sent, round_trips = log.since(mark)
    finally:
        event.remove(engine, "connect", attach)
        engine.dispose()
    reads = [s for s in sent if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1 and reads[0].startswith("SELECT residents.id"), sent
    if db_backend == "postgresql":
        assert (len(sent), round_trips) == (1, 1), sent
