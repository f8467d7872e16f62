"""A resident's data export: built by the worker, downloadable by its owner until it lapses.

One row per resident, so a second request while one is queued or running finds the row it
would have made and starts nothing. The archive lives in the database in chunks because the
web and worker processes share nothing else, and a download then streams one chunk at a
time; the chunks are deleted once the download link lapses.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from common.columns import UTCDateTime
from common.timeutil import utcnow
from wallet.extensions import Model

ACTIVE = ("queued", "running")


class DataExport(Model):
    __tablename__ = "data_exports"

    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True)
    # In the download link; new for every export, so an old link never serves a newer file.
    key: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(12), default="queued")  # queued|running|ready|failed|expired
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Moved on by every step of a running build; one that stops moving lost its worker.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer, default=0)
    pdfs: Mapped[int] = mapped_column(Integer, default=0)
    missing_pdfs: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(200))

    def state_at(self, now: datetime) -> str:
        """The state a person is shown: a ready export past its deadline is expired even before the sweep."""
        if self.state == "ready" and self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return self.state


class DataExportChunk(Model):
    __tablename__ = "data_export_chunks"

    resident_id: Mapped[int] = mapped_column(
        ForeignKey("data_exports.resident_id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
