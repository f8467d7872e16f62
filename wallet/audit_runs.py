"""Verification runs of the audit chain, stored so the console can say when the chain was last
verified, by whom and with what result — also after a restart.

A run covers the chain as it stood when it began and advances in time-boxed slices (the
console's self-polling panel asks for one slice per request), so 100,000 entries never hold
one request for long. The walk reads without a write lock; only recording how far it got
takes one, and that update names where the slice began, so two requests advancing the same
run cannot both count.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update

from common.database import write_transaction
from common.timeutil import utcnow
from wallet import audit
from wallet.audit_chain import GENESIS, Cursor, Fault, PublishedHead, by_count, chain_end, walk
from wallet.audit_heads import published_heads
from wallet.extensions import db
from wallet.models.audit import AuditEntry, AuditVerification

SLICE_SECONDS = 1.0
# A run nobody advanced for this long was left behind (a closed tab); asking again starts afresh.
STALE_AFTER = timedelta(minutes=5)
FINISHED = ("intact", "broken")


def start(started_by: str, actor: Any) -> AuditVerification:
    """Begin a run over the chain as it stands now, or join the one already under way."""
    write_transaction(db.session)
    now = utcnow()
    running = db.session.scalar(
        select(AuditVerification)
        .where(AuditVerification.state == "running")
        .order_by(AuditVerification.id.desc())
        .limit(1)
    )
    if running is not None and now - running.updated_at < STALE_AFTER:
        db.session.rollback()
        return running
    db.session.execute(
        update(AuditVerification).where(AuditVerification.state == "running").values(state="stopped", updated_at=now)
    )
    up_to, _ = chain_end()
    run = AuditVerification(
        started_at=now,
        started_by=started_by[:80],
        state="running",
        up_to=up_to,
        last_id=0,
        last_hash=GENESIS,
        heads_checked=0,
        updated_at=now,
        fault_kind="",
        fault_text="",
    )
    db.session.add(run)
    db.session.flush()
    audit.record("audit.verify", actor, audit.subject_of(run), up_to=up_to)
    db.session.commit()
    return run


def advance(run_id: int, whole: bool = False) -> tuple[AuditVerification | None, Fault | None]:
    """Walk ``run_id`` on for one slice (to the end when ``whole``); the run as stored after, and its fault."""
    run = db.session.get(AuditVerification, run_id, populate_existing=True)
    if run is None or run.state != "running":
        return run, None
    began, heads = run.last_id, by_count(published_heads())
    cursor = Cursor(run.last_id, run.last_hash)
    deadline = None if whole else time.monotonic() + SLICE_SECONDS
    while True:  # at least one batch a slice, however short the slice
        cursor, fault, done = walk(cursor, run.up_to, heads)
        if done or (deadline is not None and time.monotonic() >= deadline):
            break
    now = utcnow()
    values: dict[str, Any] = {
        "last_id": cursor.last_id,
        "last_hash": cursor.last_hash,
        "updated_at": now,
        "heads_checked": sum(len(h) for count, h in heads.items() if count <= cursor.last_id),
    }
    if done:
        values.update(state="broken" if fault else "intact", finished_at=now)
    if fault:
        values.update(
            fault_kind=fault.kind, fault_id=fault.entry_id, fault_at=fault.at, fault_text=fault.message_zh[:400]
        )
    write_transaction(db.session)
    db.session.execute(
        update(AuditVerification)
        .where(AuditVerification.id == run_id, AuditVerification.state == "running", AuditVerification.last_id == began)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return db.session.get(AuditVerification, run_id, populate_existing=True), fault


def run_to_end(started_by: str, actor: Any = None) -> tuple[AuditVerification, Fault | None]:
    """One whole run at once (the command line)."""
    run = start(started_by, actor)
    stored, fault = advance(run.id, whole=True)
    assert stored is not None  # a run is never deleted
    return stored, fault


@dataclass(frozen=True)
class ChainState:
    """What the console shows about the chain: its size and head, the latest run and the latest finished one."""

    entries: int
    head_id: int
    head_hash: str
    current: AuditVerification | None
    finished: AuditVerification | None
    last_published: PublishedHead | None


def chain_state() -> ChainState:
    head_id, head_hash = chain_end()
    entries = int(db.session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
    newest = select(AuditVerification).order_by(AuditVerification.id.desc()).limit(1)
    current = db.session.scalar(newest)
    finished = db.session.scalar(newest.where(AuditVerification.state.in_(FINISHED)))
    heads = published_heads()
    return ChainState(
        entries,
        head_id,
        head_hash,
        current if current and current.state == "running" else None,
        finished,
        heads[-1] if heads else None,
    )
