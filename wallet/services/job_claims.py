"""How a worker takes a queued per-resident job without a lock: a conditional update only one worker wins.

Collection and data export both queue one job per resident; several workers may look at
the same oldest jobs, so each tries them in turn and keeps the first its update took.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, select, update

from common.database import rows_changed
from wallet.extensions import db

CANDIDATES = 5


def claim_first(job: Any, due: ColumnElement[bool], oldest_first: Any, **claim: Any) -> int | None:
    """The ``resident_id`` of the first due ``job`` row this worker set to ``claim``; None when others took them all."""
    candidates: Sequence[int] = db.session.scalars(
        select(job.resident_id).where(due).order_by(oldest_first).limit(CANDIDATES)
    ).all()
    for resident_id in candidates:
        claimed = rows_changed(
            db.session.execute(
                update(job)
                .where(job.resident_id == resident_id, due)
                .values(**claim)
                .execution_options(synchronize_session=False)
            )
        )
        db.session.commit()
        if claimed:
            return resident_id
    return None
