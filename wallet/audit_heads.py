"""The audit chain's head, published once a day through the outbox.

A hash chain alone cannot show that someone with write access to the database recomputed
every hash after an edit, or cut entries off the end. Once a head (the day, the entry
count and the last entry's hash) has left the platform by mail, any later rewrite of the
entries up to that count gives a different hash at that position, and ``audit_chain``
checks every published head when it walks the chain.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from common.database import write_transaction
from common.timeutil import SHANGHAI, utcnow
from wallet import audit
from wallet.audit_chain import PublishedHead, chain_end
from wallet.extensions import db
from wallet.models.unit import OutboxMessage
from wallet.services import outbox

KIND = "audit_head"
RECIPIENT = "审计存证（财政部门档案）"


def subject_for(day: date) -> str:
    return f"审计日志链头 {day.isoformat()}"


def today() -> date:
    return utcnow().astimezone(SHANGHAI).date()


def publish_head(day: date | None = None) -> PublishedHead | None:
    """Publish ``day``'s head (today in Shanghai) unless it already is; None when it was, or the log is empty.

    Held under the appenders' lock, so two workers publish one head, and the head is the
    last entry at that moment; the publication itself is then logged.
    """
    day = day or today()
    write_transaction(db.session)
    audit.serialize_appenders()
    subject = subject_for(day)
    taken = db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.kind == KIND, OutboxMessage.subject == subject).limit(1)
    )
    count, head_hash = chain_end()
    if taken or count == 0:
        db.session.rollback()
        return None
    text = (
        f"{day.isoformat()} 审计日志共 {count} 条，链头（第 {count} 条）哈希为 {head_hash}。"
        "请原样存档；日后核验时，这一位置的哈希必须与此一致。"
    )
    outbox.queue_notice(
        RECIPIENT, KIND, subject, {"text": text, "day": day.isoformat(), "count": count, "head_hash": head_hash}
    )
    # The log names the head by a prefix (the outbox message holds all of it), short enough to read in a list.
    audit.record("audit.publish_head", None, f"audit_entry:{count}", head=head_hash[:16])
    db.session.commit()
    return PublishedHead(day, count, head_hash)


def published_heads() -> list[PublishedHead]:
    """Every head published so far, oldest first."""
    heads = []
    for message in outbox.of_kind(KIND):
        body = message.payload()
        heads.append(PublishedHead(date.fromisoformat(body["day"]), int(body["count"]), str(body["head_hash"])))
    return heads
