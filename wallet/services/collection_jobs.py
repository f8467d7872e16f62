"""Sync jobs: queued by logins and refresh buttons, claimed by worker processes.

A job is the resident's ``SyncState`` row itself. Claiming is one conditional UPDATE,
so two workers never run the same resident at once; a failed sync backs off
exponentially and is retried by whichever worker is free, with nothing lost.
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
from wallet.services.job_claims import claim_first
from wallet.services.sync import sync_person, sync_state

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 300
STALE_RUNNING = timedelta(minutes=10)

IdNumberLookup = Callable[[int], "str | None"]


def request_sync(resident_id: int) -> SyncState:
    """Queue a sync now (a running one is left alone: it will see the same changes)."""
    write_transaction(db.session)
    state = sync_state(resident_id)
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
        db.session.commit()
        log.warning("sync of resident %s failed (attempt %s): %s", resident_id, state.attempts, exc)
        return False
    state.state = "done"
    state.attempts = 0
    state.last_error = None
    state.claimed_by = None
    db.session.commit()
    return True


def work_once(worker: str, id_number_of: IdNumberLookup, client: FiscalClient) -> bool:
    """Run at most one due job; True when one ran."""
    resident_id = claim_next(worker)
    if resident_id is None:
        return False
    run_job(resident_id, id_number_of, client)
    return True
