"""Column types shared by every part's models.

``DateTime(timezone=True)`` alone is not enough: SQLite has no time zone type, so
SQLAlchemy stores the wall time of an aware datetime without its offset and reads it
back naive. A reimbursement time typed in Beijing time (13:21+08:00) was stored as
13:21 and read back as 13:21 UTC — 21:21 on screen. :class:`UTCDateTime` converts every
value to UTC before it is stored and hands back aware UTC on every backend, so no
caller has to guess what a value from the database means.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class NaiveDatetimeError(ValueError):
    """A datetime without an offset reached the database; its instant is unknown."""


class UTCDateTime(TypeDecorator[datetime]):
    """An instant: aware datetimes in, aware UTC out; ``timestamptz`` on PostgreSQL.

    A naive datetime is refused rather than guessed at: whether it meant UTC, Beijing
    time or the server's local zone is exactly the mistake this type exists to stop.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UTCDateTime takes a datetime, not {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError(f"naive datetime {value.isoformat()} refused: give it a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite: stored as UTC wall time by process_bind_param
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
