"""The tamper-evident audit log: append an entry, walk the chain, search it.

``record`` adds one entry inside the caller's transaction, so the entry lands with the
change it describes or not at all. Appends are serialized — a transaction-scoped
advisory lock on PostgreSQL, the write lock (``BEGIN IMMEDIATE``) on SQLite — so the
next id and the previous hash are read by one appender at a time and the chain never
forks. Each entry's hash is SHA-256 over its canonical JSON plus the previous hash.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import func, or_, select, text

from common.canonical_json import canonical_json
from common.database import write_transaction
from common.timeutil import SHANGHAI, utcnow
from wallet.extensions import db
from wallet.identity import lookup_hash
from wallet.models.audit import AuditEntry

GENESIS = "0" * 64
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


def canonical(entry: AuditEntry) -> bytes:
    body = {"id": entry.id, "at": entry.at.astimezone(timezone.utc).isoformat(timespec="microseconds"),
            "actor_kind": entry.actor_kind, "actor_id": entry.actor_id, "action": entry.action,
            "subject": entry.subject, "detail": entry.detail or {}, "prev_hash": entry.prev_hash}
    return canonical_json(body)


def digest(entry: AuditEntry) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def _serialize_appenders() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY})
    elif not db.session().in_transaction():
        write_transaction(db.session)


def record(action: str, actor: Any, subject: str = "", **detail: Any) -> AuditEntry:
    """Append one entry in the current transaction (the caller commits)."""
    _serialize_appenders()
    head = db.session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    kind, key = actor_of(actor)
    entry = AuditEntry(id=(head.id + 1) if head else 1, at=utcnow(), actor_kind=kind, actor_id=key,
                       action=action[:48], subject=subject[:64], detail=detail,
                       prev_hash=head.hash if head else GENESIS)
    entry.hash = digest(entry)
    db.session.add(entry)
    db.session.flush()
    return entry


def record_now(action: str, actor: Any, subject: str = "", **detail: Any) -> None:
    """Append and commit on its own, for reads (a bill opened) that change nothing else."""
    write_transaction(db.session)
    record(action, actor, subject, **detail)
    db.session.commit()


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problem: str | None = None
    entry_id: int | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


def verify_chain() -> ChainReport:
    """Walk every entry in id order; name the first one edited, inserted, or missing."""
    prev_hash, expected_id, checked = GENESIS, 1, 0
    for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=500)):
        if entry.id != expected_id:
            return ChainReport(checked, f"entry {expected_id} was deleted (next present is {entry.id})", expected_id)
        if digest(entry) != entry.hash:
            return ChainReport(checked, f"entry {entry.id} was edited (its hash no longer matches)", entry.id)
        if entry.prev_hash != prev_hash:
            return ChainReport(checked, f"entry {entry.id} was inserted (it does not follow entry {entry.id - 1})",
                               entry.id)
        prev_hash, expected_id, checked = entry.hash, expected_id + 1, checked + 1
    return ChainReport(checked)


@dataclass(frozen=True)
class AuditQuery:
    action: str = ""
    actor: str = ""
    day_from: date | None = None
    day_to: date | None = None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, SHANGHAI)


def search(query: AuditQuery, page: int = 1) -> tuple[list[AuditEntry], int]:
    """One page of entries matching the query (newest first) and the total count."""
    stmt = select(AuditEntry)
    if query.action:
        stmt = stmt.where(AuditEntry.action.startswith(query.action, autoescape=True))
    if query.actor:
        kind, _, key = query.actor.partition(":")
        stmt = stmt.where(AuditEntry.actor_kind == kind)
        if key:
            stmt = stmt.where(or_(AuditEntry.actor_id == key,
                                  AuditEntry.actor_id.startswith(f"{key}/", autoescape=True)))
    if query.day_from:
        stmt = stmt.where(AuditEntry.at >= _day_start(query.day_from))
    if query.day_to:
        stmt = stmt.where(AuditEntry.at < _day_start(query.day_to + timedelta(days=1)))
    total = int(db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    rows = db.session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(PAGE_SIZE)
                              .offset((max(page, 1) - 1) * PAGE_SIZE))
    return list(rows), total
