"""Recording that a page was viewed costs the entry alone: what the page had loaded stays loaded.

On PostgreSQL the advisory lock serializes appenders, so the reading transaction goes on and
no row the request already read is read again after the entry is committed. On SQLite the
entry needs the write lock from a fresh transaction's first statement. Either way a view
never commits work somebody left pending.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from common.database import PendingWork
from wallet import audit
from wallet.extensions import db
from wallet.models import AuditEntry
from wallet.models.collection import FeedCursor


@contextmanager
def statements() -> Iterator[list[str]]:
    seen: list[str] = []
    engine = db.engine

    def note(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def a_row() -> FeedCursor:
    row = FeedCursor(name="viewed", cursor="c-1")
    db.session.add(row)
    db.session.commit()
    return row


def test_rows_read_before_a_view_is_recorded_are_not_read_again(wallet_app, db_backend):
    with wallet_app.app_context():
        a_row()
        db.session.close()
        row = db.session.get(FeedCursor, "viewed")
        with statements() as seen:
            audit.record_now("bill.view", None, "feed_cursor:viewed")
            assert row.cursor == "c-1"
        read_again = [s for s in seen if "FROM feed_cursors" in s]
        assert len(read_again) == (0 if db_backend == "postgresql" else 1), seen
        assert db.session.scalars(select(AuditEntry.subject)).all()[-1] == "feed_cursor:viewed"


def test_a_view_never_commits_pending_work(wallet_app):
    with wallet_app.app_context():
        row = a_row()
        row.cursor = "c-unsaved"
        with pytest.raises(PendingWork):
            audit.record_now("bill.view", None, "feed_cursor:viewed")
        db.session.rollback()
        assert db.session.get(FeedCursor, "viewed").cursor == "c-1"
