"""A request that reads and then writes waits for another writer instead of failing.

On SQLite a transaction that has read cannot wait for the write lock: its write fails at
once with "database is locked" while another connection writes (the collection worker
does every round). Such paths start with the write lock; on PostgreSQL nothing blocks here.
"""

from __future__ import annotations

import threading
import time

from common.database import SQLITE_IMMEDIATE
from wallet.extensions import db
from wallet.models import Resident, SyncState
from wallet.services.collection_jobs import request_sync


def test_queuing_a_sync_waits_for_another_writer(wallet_app, resident_id):
    holding, done = threading.Event(), threading.Event()

    def other_writer() -> None:
        with wallet_app.app_context():
            with db.engine.connect() as conn:
                conn.execution_options(**{SQLITE_IMMEDIATE: True})
                with conn.begin():
                    holding.set()
                    time.sleep(0.3)
        done.set()

    with wallet_app.app_context():
        db.session.get(Resident, resident_id)  # the request has read already, as a page view has
        writer = threading.Thread(target=other_writer)
        writer.start()
        assert holding.wait(5)
        state = request_sync(resident_id)
        writer.join(5)
        assert done.is_set() and state.state == "queued"
        assert db.session.get(SyncState, resident_id) is not None
