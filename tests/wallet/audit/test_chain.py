"""The audit log is one hash chain: concurrent appends keep it whole; an inserted entry is named.

Edited, deleted and rewritten entries: ``test_verify_command.py``."""

from __future__ import annotations

import threading

from sqlalchemy import select

from tests.wallet.audit.chain_tools import append, verify
from wallet import audit
from wallet.extensions import db
from wallet.models import AuditEntry


def test_an_untouched_chain_verifies(wallet_app):
    append(wallet_app, 4)
    code, output = verify(wallet_app)
    assert code == 0 and "4 entries" in output


def test_an_inserted_entry_is_named_even_with_a_correct_own_hash(wallet_app):
    append(wallet_app, 3)
    with wallet_app.app_context():
        first = db.session.get(AuditEntry, 1)
        forged = AuditEntry(
            id=4,
            at=first.at,
            actor_kind="finance",
            actor_id="1",
            action="finance.unfreeze",
            subject="unit:1",
            detail={},
            prev_hash=first.hash,
        )
        forged.hash = audit.digest(forged)
        db.session.add(forged)
        db.session.commit()
    code, output = verify(wallet_app)
    assert code != 0 and "previous-hash mismatch: entry 4" in output and "was inserted" in output


def test_concurrent_appends_keep_one_chain(wallet_app):
    errors: list[BaseException] = []

    def worker(start: int) -> None:
        try:
            append(wallet_app, 8)
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with wallet_app.app_context():
        ids = list(db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
        assert ids == list(range(1, 33))
        assert audit.verify_chain().intact
