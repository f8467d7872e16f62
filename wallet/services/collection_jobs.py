"""Sync jobs: queued by logins and refresh buttons, claimed by worker processes.

A job is the resident's ``SyncState`` row itself. Claiming is one conditional UPDATE,
so two workers never run the same resident at once; a failed sync backs off
exponentially and is retried by whichever worker is free, with nothing lost.

The bill list shows where the sync stands (queued or running with its count, failed, done).
Each step the worker takes there is announced with the change sequence, like a change of a
bill, in the transaction that makes it, so open pages learn of it from the live channel. A
sync being queued is not: the page whose 刷新 queued it shows that in its answer, and a sign-in
queues it before any page is open.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import or_

from common.database import write_transaction
from common.timeutil import utcnow
from wallet.clients.fiscal import FiscalClient, FiscalError, FiscalUnavailable
from wallet.extensions import db
from wallet.models.collection import SyncState
from wallet.services.bill_store import bump_change_seq
from wallet.services.job_claims import claim_first
from wallet.services.sync import sync_person, sync_state

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 300
STALE_RUNNING = timedelta(minutes=10)

IdNumberLookup = Callable[[int], "str | None"]


def request_sync(resident_id: int) -> SyncState:
    """Queue a sync now (a running one is left alone: it will see the same changes).

    A new sync counts the bills it receives from zero: the page shows this sync's count.
    """
    write_transaction(db.session)
    state = sync_state(resident_id)
    if state.state not in ("queued", "running"):
        state.progress = 0
    if state.state != "running":
        state.state = "queued"
        state.next_attempt_at = utcnow()
    db.session.commit()
    return state


def claim_next(worker: str) -> int | None:
    """Take the next due job for ``worker``; None when nothing is due."""
    now = utcnow()
    due = or_(
        SyncState.state == "queued",
        (SyncState.state == "failed") & (SyncState.next_attempt_at <= now),
        (SyncState.state == "running") & (SyncState.next_attempt_at <= now - STALE_RUNNING),
    )
    return claim_first(
        SyncState, due, SyncState.next_attempt_at, state="running", claimed_by=worker, next_attempt_at=now
    )


def run_job(resident_id: int, id_number_of: IdNumberLookup, client: FiscalClient) -> bool:
    """Run one claimed job; True when it finished, False when it will be retried."""
    id_number = id_number_of(resident_id)
    state = db.session.get(SyncState, resident_id)
    if id_number is None or state is None:
        return True
    if state.attempts:
        # The page says the last attempt failed: it shows this one running instead.
        write_transaction(db.session)
        bump_change_seq(resident_id)
        db.session.commit()
    try:
        sync_person(resident_id, id_number, client)
    except (FiscalUnavailable, FiscalError) as exc:
        db.session.rollback()
        state = db.session.get(SyncState, resident_id)
        assert state is not None
        state.attempts += 1
        state.state = "failed"
        state.last_error = getattr(exc, "message", None) or FiscalUnavailable.message
        state.next_attempt_at = utcnow() + timedelta(seconds=min(MAX_BACKOFF_SECONDS, 2**state.attempts))
        bump_change_seq(resident_id)
        db.session.commit()
        log.warning("sync of resident %s failed (attempt %s): %s", resident_id, state.attempts, exc)
        return False
    state.state = "done"
    state.attempts = 0
    state.last_error = None
    state.claimed_by = None
    bump_change_seq(resident_id)
    db.session.commit()
    return True


def work_once(worker: str, id_number_of: IdNumberLookup, client: FiscalClient) -> bool:
    """Run at most one due job; True when one ran."""
    resident_id = claim_next(worker)
    if resident_id is None:
        return False
    run_job(resident_id, id_number_of, client)
    return True
