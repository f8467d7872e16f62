"""What the bill list and a bill's page computed for a resident, kept until their bills change.

A resident's list is read far more often than it changes: every open page re-reads it
after each change, people reopen the wallet, scroll back and switch filters back and
forth; a bill's page is opened again and again at a counter, and on every way back from
authorizing it. Entries are keyed by the resident's change sequence, which every change of their
bills or authorizations bumps in the same transaction, so a change made by any process
makes every older entry unreachable; nothing is invalidated by hand. An entry whose
content depends on the clock (a lock or an authorization that runs out) carries the
instant it stops being true and is not used after it.

Whole pages are kept, not just their parts: rendering the frame around the bills cost as
much as the rest of the request. Nothing kept belongs to a browser session: the CSRF token,
the one part of a page that does, is left as a slot in the kept page, and each response
puts in it the token Flask-WTF gives that response's own session, as for any other page.
So two sessions of one resident share the kept page and never each other's token.

Entries are kept per locale, as pages are rendered in the resident's language: switching it
on 我的 reaches the list at once, and one language's page is never served for the other.

Each process keeps its own entries (a bounded LRU), so nothing is shared between
processes and a restart only costs one render per page.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Hashable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from cachetools import LRUCache
from flask import Flask, current_app, render_template
from flask_wtf.csrf import generate_csrf
from jinja2_fragments.flask import render_blocks

from common.i18n import current_locale
from common.timeutil import utcnow
from wallet.models.collection import SyncState
from wallet.models.resident import Resident

T = TypeVar("T")
EXTENSION = "bill_list_cache"
# Where a kept page carries its CSRF token; random per process, so no bill text can contain it.
CSRF_SLOT = f"csrf-slot-{secrets.token_hex(16)}"


class ListCache:
    def __init__(self, entries: int) -> None:
        self._entries: LRUCache[Hashable, tuple[Any, datetime | None]] | None = (
            LRUCache(maxsize=entries) if entries > 0 else None
        )
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable | None, make: Callable[[], tuple[T, datetime | None]]) -> T:
        """The kept value for ``key``, or ``make()``'s (value, valid until or None), kept for next time.

        A ``None`` key (nothing to key the value by) makes the value afresh and keeps nothing.
        """
        if self._entries is None or key is None:
            return make()[0]
        now = utcnow()
        with self._lock:
            kept = self._entries.get(key)
        if kept is not None and (kept[1] is None or now < kept[1]):
            return kept[0]
        value, valid_until = make()
        with self._lock:
            self._entries[key] = (value, valid_until)
        return value

    def clear(self) -> None:
        """Forget everything (measuring a first view after a change does this)."""
        with self._lock:
            if self._entries is not None:
                self._entries.clear()


def sequence_key(kind: str, resident: Resident, sync: SyncState | None, *parts: Hashable) -> Hashable | None:
    """The key of a value that holds until the resident's next change; ``None`` before there is a sequence.

    The activation time tells apart two accounts that ever had the same row id (one closed,
    another opened), whose sequences both start at zero; the locale, the two languages of one page.
    """
    if sync is None:
        return None
    return (kind, resident.id, resident.activated_at, sync.change_seq, current_locale(), *parts)


def render_with_csrf_slot(template: str, blocks: Sequence[str] = (), **context: Any) -> str:
    """``template`` (or only its ``blocks``) rendered for keeping: the CSRF token, the one part that
    is the session's, left as a slot."""
    context["csrf_token"] = lambda: CSRF_SLOT
    return render_blocks(template, list(blocks), **context) if blocks else render_template(template, **context)


def fill_csrf_slot(html: str) -> str:
    """A kept page with this response's session's CSRF token where it goes."""
    return html.replace(CSRF_SLOT, generate_csrf()) if CSRF_SLOT in html else html


def init_list_cache(app: Flask) -> None:
    app.extensions[EXTENSION] = ListCache(app.config["LIST_CACHE_ENTRIES"])


def list_cache() -> ListCache:
    return current_app.extensions[EXTENSION]
