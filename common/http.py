"""One pooled HTTP session per outside service and process, retrying only what is safe to retry.

Each outside service (the fiscal network, a unit's JWKS host …) gets one
``requests.Session`` per process, so its connections are pooled instead of opened per
call. urllib3's ``Retry`` does the retrying: a connection that failed before the request
was sent is tried again for any method, a read error or a 502/503/504 only for
idempotent methods (a POST may have taken effect), with exponential backoff, and no
attempt starts once the call's ``total_timeout`` has passed — each attempt keeps the
caller's own ``timeout``. Sockets must not be shared across ``fork``: a process that
finds sessions made by its parent makes its own. A shared session keeps no cookies, so
no caller's cookie rides along on another caller's request.
"""

from __future__ import annotations

import os
import threading
import time
from http.cookiejar import DefaultCookiePolicy
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.util.retry import Retry

RETRY_STATUS = (502, 503, 504)

_SESSIONS: dict[tuple[int, str, int, float, float], requests.Session] = {}


class DeadlineRetry(Retry):
    """``Retry`` that gives up when the next attempt would start after ``deadline`` (``time.monotonic``)."""

    def __init__(self, *args: Any, deadline: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def new(self, **kwargs: Any) -> DeadlineRetry:
        kwargs.setdefault("deadline", self.deadline)
        return super().new(**kwargs)

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> DeadlineRetry:
        following = super().increment(method, url, response, error, _pool, _stacktrace)
        wait = following.get_backoff_time()
        if response is not None and following.respect_retry_after_header:
            wait = max(wait, following.get_retry_after(response) or 0)
        if following.deadline is not None and time.monotonic() + wait >= following.deadline:
            raise MaxRetryError(_pool, url, error or ResponseError("no time left for another attempt"))
        return following


class TimeBoxedAdapter(HTTPAdapter):
    """An adapter whose retries of one call end ``total_timeout`` seconds after the call began."""

    def __init__(self, retry: DeadlineRetry, total_timeout: float) -> None:
        self._calls = threading.local()
        self.total_timeout = total_timeout
        super().__init__(max_retries=retry)

    @property
    def max_retries(self) -> Retry:
        deadline = getattr(self._calls, "deadline", None)
        return self._retry if deadline is None else self._retry.new(deadline=deadline)

    @max_retries.setter
    def max_retries(self, retry: Retry) -> None:
        self._retry = retry

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        self._calls.deadline = time.monotonic() + self.total_timeout
        try:
            return super().send(request, *args, **kwargs)
        finally:
            self._calls.deadline = None


def retry_policy(retries: int, backoff: float) -> DeadlineRetry:
    """Connection errors for any method; read errors and 502/503/504 for idempotent methods only."""
    return DeadlineRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        status_forcelist=RETRY_STATUS,
        backoff_factor=backoff,
        raise_on_status=False,
    )


def _new_session(retries: int, backoff: float, total_timeout: float) -> requests.Session:
    session = requests.Session()
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    adapter = TimeBoxedAdapter(retry_policy(retries, backoff), total_timeout)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def session_for(name: str, *, retries: int = 2, backoff: float = 0.2, total_timeout: float = 30.0) -> requests.Session:
    """The process's session for the outside service ``name`` (one per name and retry settings)."""
    pid = os.getpid()
    key = (pid, name, retries, backoff, total_timeout)
    session = _SESSIONS.get(key)
    if session is None:
        for inherited in [k for k in list(_SESSIONS) if k[0] != pid]:
            _SESSIONS.pop(inherited, None)  # the parent's: its sockets are the parent's too, so never closed here
        session = _SESSIONS.setdefault(key, _new_session(retries, backoff, total_timeout))
    return session
