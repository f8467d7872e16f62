"""The tamper-evident audit log: append an entry, walk the chain, search it.

``record`` adds one entry inside the caller's transaction, so the entry lands with the
change it describes or not at all. Appends are serialized — a transaction-scoped
advisory lock on PostgreSQL, the write lock (``BEGIN IMMEDIATE``) on SQLite — so the
next id and the previous hash are read by one appender at a time and the chain never
forks. What an entry's hash covers, and the walk that verifies the chain, live in
``wallet.audit_chain``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Text, cast, func, insert, or_, select, text
from sqlalchemy.orm import defer

from common.database import refuse_pending_work, write_transaction
from common.timeutil import SHANGHAI, utcnow
from wallet.audit_chain import GENESIS, digest, verify_chain  # noqa: F401  (callers verify through here too)
from wallet.extensions import db
from wallet.identity import lookup_hash
from wallet.models.audit import AuditEntry

ADVISORY_KEY = 0x61756469  # one lock id for every appender of this database
PAGE_SIZE = 50


def actor_of(user: Any) -> tuple[str, str]:
    """``("resident", "7")`` from a signed-in user, a ``"kind:id"`` string, or ``None`` (the system)."""
    if user is None:
        return "system", ""
    if hasattr(user, "unit_id"):  # a unit user, or a unit's system through the API (no user id)
        return "unit", f"{user.unit_id}/{user.id or 'api'}"
    raw = user if isinstance(user, str) else str(user.get_id())
    kind, _, key = raw.partition(":")
    return kind[:16], key[:64]


def subject_of(row: Any) -> str:
    """``authorization:5`` — what an entry is about, by table and id."""
    return f"{row.__tablename__.rstrip('s')}:{row.id}"


def pseudonym(value: str) -> str:
    """A keyed hash that lets the log match the same typed name twice without storing it."""
    return "h:" + lookup_hash(value)[:16]


def serialize_appenders() -> None:
    """Let one appender at a time read the head and add after it (the caller's transaction holds it)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY})
    elif not db.session().in_transaction():
        write_transaction(db.session)


# Built once: every audited action appends, so building and keying these each time cost as much as running them.
_HEAD = select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
_APPEND = insert(AuditEntry.__table__)


def record(action: str, actor: Any, subject: str = "", **detail: Any) -> None:
    """Append one entry in the current transaction (the caller commits).

    The entry is inserted as a row, not added as an object: nothing reads it back in the
    request, and the unit of work's flush cost more than the rest of the append.
    """
    serialize_appenders()
    head = db.session.execute(_HEAD).first()
    kind, key = actor_of(actor)
    values = {
        "id": (head.id + 1) if head else 1,
        "at": utcnow(),
        "actor_kind": kind,
        "actor_id": key,
        "action": action[:48],
        "subject": subject[:64],
        "detail": detail,
        "prev_hash": head.hash if head else GENESIS,
    }
    values["hash"] = digest(SimpleNamespace(**values))
    db.session.execute(_APPEND, values)


def record_now(action: str, actor: Any, subject: str = "", **detail: Any) -> None:
    """Append and commit on its own, for reads (a bill opened) that change nothing else.

    On PostgreSQL the advisory lock alone serializes appenders, so the request's reading
    transaction simply goes on: ending it first would expire every row the page had already
    loaded (the bill, the signed-in resident), each then read again, one query at a time.
    SQLite needs the write lock from a transaction's first statement, so there it starts afresh.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        refuse_pending_work(db.session)
    else:
        write_transaction(db.session)
    record(action, actor, subject, **detail)
    db.session.commit()


@dataclass(frozen=True)
class AuditQuery:
    action: str = ""
    actor: str = ""
    day_from: date | None = None
    day_to: date | None = None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, SHANGHAI)


def detail_shown(stored: str) -> str:
    """A detail as the console lists it: ``key=value`` pairs, or the text as stored when it is no JSON object."""
    try:
        value = json.loads(stored)
    except (ValueError, RecursionError):
        return stored[:300]
    if isinstance(value, dict):
        return " ".join(f"{key}={value[key]}" for key in sorted(value))
    return stored[:300]


def search(query: AuditQuery, page: int = 1) -> tuple[list[tuple[AuditEntry, str]], int]:
    """One page of entries matching the query (newest first), each with its detail as shown, and the total count.

    Details are read as stored text, so one that is not JSON is listed rather than breaking the page.
    """
    where = []
    if query.action:
        where.append(AuditEntry.action.startswith(query.action, autoescape=True))
    if query.actor:
        kind, _, key = query.actor.partition(":")
        where.append(AuditEntry.actor_kind == kind)
        if key:
            where.append(or_(AuditEntry.actor_id == key, AuditEntry.actor_id.startswith(f"{key}/", autoescape=True)))
    if query.day_from:
        where.append(AuditEntry.at >= _day_start(query.day_from))
    if query.day_to:
        where.append(AuditEntry.at < _day_start(query.day_to + timedelta(days=1)))
    total = int(db.session.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0)
    rows = db.session.execute(
        select(AuditEntry, cast(AuditEntry.detail, Text))
        .options(defer(AuditEntry.detail))
        .where(*where)
        .order_by(AuditEntry.id.desc())
        .limit(PAGE_SIZE)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
    )
    return [(entry, detail_shown(stored)) for entry, stored in rows], total
