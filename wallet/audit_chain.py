"""The audit log's hash chain: what an entry's hash covers, and a walk that finds the first broken link.

An entry's hash is SHA-256 over its canonical JSON (sorted keys, time in UTC) including the
previous entry's hash. The walk reads each detail as the text the database stores rather
than through the ORM, because a detail that is not JSON (written by hand, by an old tool,
or by someone tampering) must be reported on, not crash the check: such a detail enters the
hash as the SHA-256 of its stored bytes under a key of its own, so it can never collide with
a well-formed detail. Well-formed entries hash exactly as they always have.

The walk goes in slices from a cursor (the last good id and its hash), so a long chain can
be verified a batch at a time; published heads (the daily anchor in the outbox) are checked
as their positions pass, which reveals a tail rewritten consistently after publication.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Text, cast, select

from common.canonical_json import canonical_json
from common.timeutil import SHANGHAI
from wallet.extensions import db
from wallet.models.audit import AuditEntry

GENESIS = "0" * 64
BATCH = 5000


def _body(
    entry_id: int, at: datetime, actor_kind: str, actor_id: str, action: str, subject: str, prev_hash: str
) -> dict[str, Any]:
    return {
        "id": entry_id,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_kind": actor_kind,
        "actor_id": actor_id,
        "action": action,
        "subject": subject,
        "prev_hash": prev_hash,
    }


def _encode(body: dict[str, Any]) -> bytes:
    return canonical_json(body)


def canonical(entry: Any) -> bytes:
    """The bytes an entry's hash covers; ``entry`` is a stored row or the values about to be appended."""
    body = _body(entry.id, entry.at, entry.actor_kind, entry.actor_id, entry.action, entry.subject, entry.prev_hash)
    return _encode({**body, "detail": entry.detail or {}})


def digest(entry: Any) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def stored_digest(row: Any) -> str:
    """The hash of a row read with its detail as stored text (``detail_text``), whatever that text is."""
    body = _body(row.id, row.at, row.actor_kind, row.actor_id, row.action, row.subject, row.prev_hash)
    try:
        body["detail"] = json.loads(row.detail_text) or {}
    except (ValueError, RecursionError):
        body["detail_sha256"] = hashlib.sha256(row.detail_text.encode("utf-8", "surrogatepass")).hexdigest()
    return hashlib.sha256(_encode(body)).hexdigest()


@dataclass(frozen=True)
class PublishedHead:
    """The chain's head as published on ``day``: ``count`` entries, the last one's hash."""

    day: date
    count: int
    head_hash: str


@dataclass(frozen=True)
class Fault:
    """The first broken link: what is wrong, at which entry id, at what time (when there is one)."""

    kind: str  # hash_mismatch | gap | prev_mismatch | published_mismatch | truncated
    entry_id: int
    at: datetime | None
    message: str
    message_zh: str


@dataclass(frozen=True)
class Cursor:
    """How far a walk got: the last entry found good and its hash."""

    last_id: int = 0
    last_hash: str = GENESIS


def shown(at: datetime | None) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S") if at else ""


def _when(at: datetime | None) -> str:
    return f" at {shown(at)} (UTC+8)" if at else ""


def _gap(cursor: Cursor, next_id: int | None, at: datetime | None) -> Fault:
    first = cursor.last_id + 1
    if next_id is None:
        return Fault(
            "gap",
            first,
            None,
            f"gap in ids: entries from {first} on were deleted (the log ends early)",
            f"序号不连续：第 {first} 条起的记录被删除（日志提前结束）",
        )
    span = f"{first}" if next_id - 1 == first else f"{first}–{next_id - 1}"
    return Fault(
        "gap",
        first,
        at,
        f"gap in ids: entry {span} was deleted (entry {next_id}{_when(at)} follows entry {cursor.last_id})",
        f"序号不连续：第 {span} 条被删除（第 {next_id} 条（{shown(at)}）紧接在第 {cursor.last_id} 条之后）",
    )


def _check(row: Any, cursor: Cursor, published: Mapping[int, Sequence[PublishedHead]]) -> Fault | None:
    if row.id != cursor.last_id + 1:
        return _gap(cursor, row.id, row.at)
    if stored_digest(row) != row.hash:
        return Fault(
            "hash_mismatch",
            row.id,
            row.at,
            f"hash mismatch: entry {row.id}{_when(row.at)} was edited (its hash no longer matches)",
            f"哈希不符：第 {row.id} 条（{shown(row.at)}）被改动过，内容与其哈希不再一致",
        )
    if row.prev_hash != cursor.last_hash:
        return Fault(
            "prev_mismatch",
            row.id,
            row.at,
            f"previous-hash mismatch: entry {row.id}{_when(row.at)} was inserted "
            f"(it does not follow entry {cursor.last_id})",
            f"前序哈希不符：第 {row.id} 条（{shown(row.at)}）是插入的，接不上第 {cursor.last_id} 条",
        )
    for head in published.get(row.id, ()):
        if head.head_hash != row.hash:
            return Fault(
                "published_mismatch",
                row.id,
                row.at,
                f"published head mismatch: entry {row.id}{_when(row.at)} differs from the head published "
                f"on {head.day.isoformat()}; the chain up to it was rewritten",
                f"与已发布链头不符：第 {row.id} 条（{shown(row.at)}）"
                f"与 {head.day.isoformat()} 发布的链头不同，此前的日志被整体改写过",
            )
    return None


def _truncation(cursor: Cursor, published: Mapping[int, Sequence[PublishedHead]]) -> Fault | None:
    """A published head beyond the log's current end (a head past the walk's own end but within the log
    was published while the walk ran, over entries the walk does not cover)."""
    end = max(cursor.last_id, chain_end()[0])
    beyond = [head for count, heads in published.items() if count > end for head in heads]
    if not beyond:
        return None
    head = min(beyond, key=lambda h: h.count)
    return Fault(
        "truncated",
        cursor.last_id + 1,
        None,
        f"truncated: the head published on {head.day.isoformat()} has {head.count} entries, "
        f"the log ended at entry {cursor.last_id} when this check began",
        f"日志被截短：{head.day.isoformat()} 发布的链头有 {head.count} 条，本次核验开始时日志只到第 "
        f"{cursor.last_id} 条",
    )


def walk(
    cursor: Cursor, up_to: int, published: Mapping[int, Sequence[PublishedHead]]
) -> tuple[Cursor, Fault | None, bool]:
    """Check up to ``BATCH`` entries after ``cursor`` (ids up to ``up_to``); return the new cursor,
    the first fault, and whether the walk is finished (a fault, or ``up_to`` reached)."""
    stmt = (
        select(
            AuditEntry.id,
            AuditEntry.at,
            AuditEntry.actor_kind,
            AuditEntry.actor_id,
            AuditEntry.action,
            AuditEntry.subject,
            cast(AuditEntry.detail, Text).label("detail_text"),
            AuditEntry.prev_hash,
            AuditEntry.hash,
        )
        .where(AuditEntry.id > cursor.last_id, AuditEntry.id <= up_to)
        .order_by(AuditEntry.id)
        .limit(BATCH)
    )
    rows = db.session.execute(stmt).all()
    for row in rows:
        fault = _check(row, cursor, published)
        if fault:
            return cursor, fault, True
        cursor = Cursor(row.id, row.hash)
    if cursor.last_id >= up_to:
        return cursor, _truncation(cursor, published), True
    if len(rows) < BATCH:  # entries that were there when the walk began are gone
        return cursor, _gap(cursor, None, None), True
    return cursor, None, False


def by_count(heads: Sequence[PublishedHead]) -> dict[int, list[PublishedHead]]:
    found: dict[int, list[PublishedHead]] = {}
    for head in heads:
        found.setdefault(head.count, []).append(head)
    return found


def chain_end() -> tuple[int, str]:
    """The last entry's id and hash (``0`` and the genesis hash on an empty log)."""
    head = db.session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    return (head.id, head.hash) if head else (0, GENESIS)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    fault: Fault | None = None

    @property
    def intact(self) -> bool:
        return self.fault is None


def verify_chain(published: Sequence[PublishedHead] = ()) -> ChainReport:
    """Walk the whole chain in one go (the command line and tests; the console goes in slices)."""
    up_to, _ = chain_end()
    heads = by_count(published)
    cursor, fault, done = Cursor(), None, False
    while not done:
        cursor, fault, done = walk(cursor, up_to, heads)
    return ChainReport(cursor.last_id, fault)
