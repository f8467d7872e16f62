"""Export jobs: queued by the resident (after face verification), built by the worker.

A web request only queues: building fetches every layout file from the fiscal network,
which for many bills takes longer than a request may. Claiming is one conditional UPDATE,
as for sync jobs, so two workers never build the same export. The archive stays only as
long as its download link works (``DOWNLOAD_HOURS``); the worker's sweep deletes it after.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from datetime import timedelta

from sqlalchemy import Update, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from common.database import write_transaction
from common.timeutil import utcnow
from common.translatable import N_
from wallet import audit
from wallet.clients.fiscal import FiscalClient
from wallet.extensions import db
from wallet.models.data_export import ACTIVE, DataExport, DataExportChunk
from wallet.models.resident import Resident
from wallet.services.data_export import ExportSummary, build_export
from wallet.services.job_claims import claim_first

log = logging.getLogger(__name__)
DOWNLOAD_HOURS = 24
CHUNK_BYTES = 1024 * 1024
STALE_RUNNING = timedelta(minutes=5)
# Stored with the failed job; shown in the reader's language.
FAILED = N_("生成导出文件时出错，您的数据没有受到影响。请点击“重新导出”再试一次。")


def export_of(resident_id: int) -> DataExport | None:
    return db.session.get(DataExport, resident_id, populate_existing=True)


def request_export(resident_id: int) -> DataExport:
    """Queue a fresh export, unless one is queued or running: that one is returned untouched."""
    write_transaction(db.session)
    job = db.session.get(DataExport, resident_id, with_for_update=True, populate_existing=True)
    if job is not None and job.state in ACTIVE:
        db.session.commit()
        return job
    if job is None:
        job = DataExport(resident_id=resident_id)
        db.session.add(job)
    else:
        db.session.execute(delete(DataExportChunk).where(DataExportChunk.resident_id == resident_id))
    job.key, job.state, job.done, job.total = secrets.token_urlsafe(24), "queued", 0, 0
    job.requested_at, job.started_at, job.finished_at, job.expires_at = utcnow(), None, None, None
    job.heartbeat_at, job.claimed_by, job.size, job.pdfs, job.missing_pdfs, job.error = None, None, 0, 0, 0, None
    try:
        db.session.commit()
    except IntegrityError:  # a second request of the same resident inserted first (PostgreSQL)
        db.session.rollback()
        job = export_of(resident_id)
        assert job is not None
    return job


def claim_next(worker: str) -> int | None:
    """Take the oldest queued export (or one whose worker stopped) for ``worker``; None when nothing waits."""
    now = utcnow()
    due = or_(
        DataExport.state == "queued", (DataExport.state == "running") & (DataExport.heartbeat_at <= now - STALE_RUNNING)
    )
    return claim_first(
        DataExport,
        due,
        DataExport.requested_at,
        state="running",
        claimed_by=worker,
        started_at=now,
        heartbeat_at=now,
        done=0,
        total=0,
    )


def _mine(resident_id: int, worker: str) -> Update:
    """Rows of this export while ``worker`` still holds it (a worker thought dead may have been replaced)."""
    return (
        update(DataExport)
        .where(DataExport.resident_id == resident_id, DataExport.state == "running", DataExport.claimed_by == worker)
        .execution_options(synchronize_session=False)
    )


def run_export(resident_id: int, worker: str, client: FiscalClient) -> None:
    """Build a claimed export and store it; any failure leaves a failed job the resident can retry."""
    resident = db.session.get(Resident, resident_id)
    if resident is None:
        return

    def progress(done: int, total: int) -> None:
        # Each step waited on the network for a layout file; one small update beside it is noise.
        db.session.execute(_mine(resident_id, worker).values(done=done, total=total, heartbeat_at=utcnow()))
        db.session.commit()

    try:
        archive, summary = build_export(resident, client, progress)
        with archive:
            _store(resident_id, worker, archive.read, summary)
    except Exception:  # whatever went wrong, the resident must see an end and a way to retry
        db.session.rollback()
        log.exception("export of resident %s failed", resident_id)
        db.session.execute(
            _mine(resident_id, worker).values(state="failed", error=FAILED, finished_at=utcnow(), claimed_by=None)
        )
        db.session.commit()


def _store(resident_id: int, worker: str, read: Callable[[int], bytes], summary: ExportSummary) -> None:
    write_transaction(db.session)
    job = db.session.get(DataExport, resident_id, with_for_update=True, populate_existing=True)
    if job is None or job.state != "running" or job.claimed_by != worker:
        db.session.rollback()
        log.info("export of resident %s was taken over or withdrawn; result dropped", resident_id)
        return
    size, seq = 0, 0
    while piece := read(CHUNK_BYTES):
        db.session.add(DataExportChunk(resident_id=resident_id, seq=seq, data=piece))
        size, seq = size + len(piece), seq + 1
    now = utcnow()
    job.state, job.finished_at, job.expires_at = "ready", now, now + timedelta(hours=DOWNLOAD_HOURS)
    job.size, job.pdfs, job.missing_pdfs, job.claimed_by = size, summary.pdfs, summary.missing_pdfs, None
    audit.record(
        "resident.export",
        f"resident:{resident_id}",
        f"resident:{resident_id}",
        bills=summary.bills,
        pdfs=summary.pdfs,
        missing_pdfs=summary.missing_pdfs,
        size=size,
    )
    db.session.commit()


def work_once(worker: str, client: FiscalClient) -> bool:
    """Build at most one queued export; True when one ran."""
    resident_id = claim_next(worker)
    if resident_id is None:
        return False
    run_export(resident_id, worker, client)
    return True


def downloadable(resident_id: int, key: str) -> DataExport | None:
    """The resident's own export under ``key`` if it is ready (expired or not: the caller tells them apart)."""
    job = export_of(resident_id)
    if (
        job is None
        or not secrets.compare_digest(job.key.encode(), key.encode())
        or job.state not in ("ready", "expired")
    ):
        return None
    return job


def chunks(resident_id: int) -> Iterator[bytes]:
    """The archive piece by piece, each read on its own, so a download never holds it whole."""
    seqs = db.session.scalars(
        select(DataExportChunk.seq).where(DataExportChunk.resident_id == resident_id).order_by(DataExportChunk.seq)
    ).all()
    for seq in seqs:
        piece = db.session.scalar(
            select(DataExportChunk.data).where(DataExportChunk.resident_id == resident_id, DataExportChunk.seq == seq)
        )
        if piece is not None:
            yield piece


def purge_expired() -> int:
    """Delete the archives whose download link has lapsed; how many were deleted."""
    lapsed = select(DataExport.resident_id).where(DataExport.state == "ready", DataExport.expires_at <= utcnow())
    if not db.session.scalars(lapsed.limit(1)).first():
        db.session.rollback()
        return 0
    write_transaction(db.session)
    ids = list(db.session.scalars(lapsed.with_for_update()))
    db.session.execute(delete(DataExportChunk).where(DataExportChunk.resident_id.in_(ids)))
    db.session.execute(
        update(DataExport)
        .where(DataExport.resident_id.in_(ids))
        .values(state="expired", size=0)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return len(ids)


def discard(resident_id: int) -> None:
    """Forget the resident's export and its archive (the account is closing)."""
    write_transaction(db.session)
    db.session.execute(delete(DataExportChunk).where(DataExportChunk.resident_id == resident_id))
    db.session.execute(delete(DataExport).where(DataExport.resident_id == resident_id))
    db.session.commit()
