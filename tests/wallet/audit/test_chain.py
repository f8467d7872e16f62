"""The audit log is one hash chain: `audit-verify` names an edited, inserted or deleted entry."""
from __future__ import annotations

import threading

from sqlalchemy import delete, select, update

from wallet import audit
from wallet.extensions import db
from wallet.models import AuditEntry


def append(wallet_app, count: int) -> None:
    with wallet_app.app_context():
        for n in range(count):
            audit.record_now("test.step", f"resident:{n}", f"bill:{n}", n=n)


def verify(wallet_app) -> tuple[int, str]:
    result = wallet_app.test_cli_runner().invoke(args=["wallet", "audit-verify"])
    return result.exit_code, result.output


def test_an_untouched_chain_verifies(wallet_app):
    append(wallet_app, 4)
    code, output = verify(wallet_app)
    assert code == 0 and "4 entries" in output


def test_an_edited_entry_is_named(wallet_app):
    append(wallet_app, 5)
    with wallet_app.app_context():
        db.session.execute(update(AuditEntry).where(AuditEntry.id == 3).values(subject="bill:999"))
        db.session.commit()
    code, output = verify(wallet_app)
    assert code != 0 and "entry 3 was edited" in output


def test_an_inserted_entry_is_named_even_with_a_correct_own_hash(wallet_app):
    append(wallet_app, 3)
    with wallet_app.app_context():
        first = db.session.get(AuditEntry, 1)
        forged = AuditEntry(id=4, at=first.at, actor_kind="finance", actor_id="1", action="finance.unfreeze",
                            subject="unit:1", detail={}, prev_hash=first.hash)
        forged.hash = audit.digest(forged)
        db.session.add(forged)
        db.session.commit()
    code, output = verify(wallet_app)
    assert code != 0 and "entry 4 was inserted" in output


def test_a_deleted_entry_is_named(wallet_app):
    append(wallet_app, 5)
    with wallet_app.app_context():
        db.session.execute(delete(AuditEntry).where(AuditEntry.id == 2))
        db.session.commit()
    code, output = verify(wallet_app)
    assert code != 0 and "entry 2 was deleted" in output


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
