"""The one clock the supervision rules read, so a test can say what day it is.

Services take ``now`` as an argument; views ask :func:`now`, which reads the clock bound
to the app (:func:`install`). Production and ``make run`` use the system clock; a test
binds a :class:`FixedClock` and moves it, instead of patching ``datetime`` anywhere.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from flask import Flask, current_app

from common.timeutil import to_local, utcnow

EXTENSION = "fiscal_clock"


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return utcnow()


class FixedClock:
    """A clock that stands still until told otherwise."""

    def __init__(self, at: datetime) -> None:
        self.set(at)

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.at = at.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self.at += delta

    def now(self) -> datetime:
        return self.at


def install(app: Flask, clock: Clock | None = None) -> Clock | None:
    """Bind ``clock`` (the system clock by default) to ``app``; returns the one it replaced."""
    previous: Clock | None = app.extensions.get(EXTENSION)
    app.extensions[EXTENSION] = clock or SystemClock()
    return previous


def now() -> datetime:
    """The current moment as the running app's clock tells it."""
    clock: Clock = current_app.extensions.get(EXTENSION) or SystemClock()
    return clock.now()


def local_day(moment: datetime) -> date:
    """The calendar day in Inner Mongolia (Beijing time) at ``moment``: the day certificates expire on."""
    return to_local(moment).date()
