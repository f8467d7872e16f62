"""The worker publishes the chain head to the outbox once a day: date, entry count and head hash."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.wallet.audit.chain_tools import append
from wallet import audit_heads
from wallet.audit_chain import chain_end
from wallet.extensions import db
from wallet.models import AuditEntry, OutboxMessage
from wallet.worker import Worker


def head_messages(wallet_app) -> list[tuple[OutboxMessage, dict]]:
    with wallet_app.app_context():
        messages = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == audit_heads.KIND).order_by(OutboxMessage.id)
        )
        return [(m, m.payload()) for m in messages]


def test_the_worker_publishes_one_head_a_day_however_often_it_asks(wallet_app):
    append(wallet_app, 3)
    with wallet_app.app_context():
        expected_hash = chain_end()[1]
    worker = Worker(wallet_app)
    with wallet_app.app_context():
        assert worker.publish() is True
        assert worker.publish() is False, "the day's head is published once"
    assert worker.next_publish > 0
    [(message, body)] = head_messages(wallet_app)
    today = audit_heads.today().isoformat()
    assert (body["day"], body["count"], body["head_hash"]) == (today, 3, expected_hash)
    assert message.subject == f"审计日志链头 {today}" and message.unit_id is None
    assert expected_hash in body["text"] and "共 3 条" in body["text"]
    with wallet_app.app_context():
        logged = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
        assert (logged.action, logged.subject, logged.detail) == (
            "audit.publish_head",
            "audit_entry:3",
            {"head": expected_hash[:16]},
        )


def test_each_day_gets_its_own_head(wallet_app):
    append(wallet_app, 2)
    with wallet_app.app_context():
        first = audit_heads.publish_head(date(2026, 12, 5))
        second = audit_heads.publish_head(date(2026, 12, 6))
        again = audit_heads.publish_head(date(2026, 12, 5))
        published = audit_heads.published_heads()
    assert again is None and first is not None and second is not None
    assert second.count == first.count + 1, "the first publication is itself logged"
    assert [(h.day.isoformat(), h.count) for h in published] == [("2026-12-05", 2), ("2026-12-06", 3)]
    assert len(head_messages(wallet_app)) == 2


def test_an_empty_log_publishes_nothing(wallet_app):
    with wallet_app.app_context():
        assert audit_heads.publish_head() is None
    assert head_messages(wallet_app) == []
