"""Two workers at the same moment find the same things due and deliver them: each due date is told once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests.wallet.reminders.making import NOW, bill, claim, days, notices, unread
from wallet.extensions import db
from wallet.models import Reminder, ReminderSettings
from wallet.services.reminders import run


def race(wallet_app, workers: int = 2) -> list[int]:
    """``run(NOW)`` in ``workers`` threads released together, each with its own session; their counts."""
    start = threading.Barrier(workers)
    delivered: list[int] = []
    failures: list[BaseException] = []

    def work() -> None:
        with wallet_app.app_context():
            try:
                start.wait()
                delivered.append(run(NOW))
            except BaseException as error:  # surfaced below: a thread's failure must fail the test
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures
    return delivered


@pytest.mark.parametrize("digest", [False, True], ids=["one by one", "digest"])
def test_two_workers_remind_of_each_due_date_once(wallet_app, rid, units, digest):
    db.session.add(ReminderSettings(resident_id=rid, off_kinds="", digest=digest, updated_at=NOW))
    bills = [bill(rid, NOW - days(365) + days(left)) for left in (20, 6)]
    locked = bill(rid, NOW - days(400))
    claim(rid, locked, units["agency"], "locked", lock_expires_at=NOW + days(0.5))  # 医保: 365-day windows
    if digest:
        bills += [bill(rid, NOW - days(365) + days(left)) for left in (21, 22)]
    seq_before, unread_before = unread(rid)
    db.session.commit()

    delivered = race(wallet_app)

    expected = len(bills) + 1
    assert sorted(delivered) == [0, expected]
    assert db.session.scalar(select(func.count(Reminder.id))) == expected
    told = notices(rid)
    assert len(told) == (1 if digest else expected)
    assert len({r.notification_id for r in db.session.scalars(select(Reminder))}) == len(told)
    seq, count = unread(rid)
    assert count - unread_before == len(told) and seq - seq_before == len(told)
    assert race(wallet_app) == [0, 0] and len(notices(rid)) == len(told)
