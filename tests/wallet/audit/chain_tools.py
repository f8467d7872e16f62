"""Helpers that build and tamper with an audit chain the way the tests need it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import JSON, ColumnElement, Text, cast, insert, select, type_coerce

from common.timeutil import SHANGHAI, utcnow
from wallet import audit
from wallet.audit_chain import stored_digest
from wallet.extensions import db
from wallet.models import AuditEntry


def append(wallet_app, count: int) -> None:
    with wallet_app.app_context():
        for n in range(count):
            audit.record_now("test.step", f"resident:{n}", f"bill:{n}", n=n)


def verify(wallet_app) -> tuple[int, str]:
    result = wallet_app.test_cli_runner().invoke(args=["wallet", "audit-verify"])
    return result.exit_code, result.output


def shown_at(wallet_app, entry_id: int) -> str:
    """An entry's time as reports show it (Beijing time, to the second)."""
    with wallet_app.app_context():
        at = db.session.scalar(select(AuditEntry.at).where(AuditEntry.id == entry_id))
    assert at is not None, f"no audit entry {entry_id}"
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def append_raw(wallet_app, detail_text: str) -> int:
    """Append an entry whose detail is stored as ``detail_text`` verbatim, with the hash the chain gives it."""
    with wallet_app.app_context():
        last = db.session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc())).first()
        assert last is not None, "the log holds no entry to append after"
        row = SimpleNamespace(
            id=last.id + 1,
            at=utcnow(),
            actor_kind="system",
            actor_id="",
            action="legacy.import",
            subject="",
            prev_hash=last.hash,
            detail_text=detail_text,
        )
        values = {k: v for k, v in vars(row).items() if k != "detail_text"}
        verbatim: ColumnElement[Any] = type_coerce(detail_text, Text)  # no JSON encoding on the way in
        if db.session.get_bind().dialect.name == "postgresql":
            verbatim = cast(verbatim, JSON)
        db.session.execute(insert(AuditEntry).values(**values, detail=verbatim, hash=stored_digest(row)))
        db.session.commit()
        return row.id


def rewrite_from(wallet_app, first_id: int, subject: str) -> None:
    """Change entry ``first_id`` and recompute every later hash and link, so the chain alone looks intact."""
    with wallet_app.app_context():
        entries = list(
            db.session.scalars(select(AuditEntry).where(AuditEntry.id >= first_id - 1).order_by(AuditEntry.id))
        )
        previous = entries[0].prev_hash if first_id == 1 else None
        for entry in entries:
            if entry.id == first_id:
                entry.subject = subject
            if entry.id >= first_id:
                assert previous is not None  # entries[0] precedes first_id unless it is the first entry
                entry.prev_hash = previous
                entry.hash = audit.digest(entry)
            previous = entry.hash
        db.session.commit()
