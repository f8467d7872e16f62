"""Time is timezone-aware UTC in storage and Asia/Shanghai on screen."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """A time read from a document or message in UTC; one written without an offset is UTC there.

    Values from the database need no such help: ``common.columns.UTCDateTime`` hands
    them back aware in UTC on every backend.
    """
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_local(value: datetime) -> datetime:
    return as_utc(value).astimezone(SHANGHAI)
