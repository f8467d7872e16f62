"""Pieces of a page's frame that come out the same for everyone, rendered once per process.

Every page of every part carries the same head (style sheets, scripts, icons), and every resident
page the same tab bar and offline banner: about forty links and texts that were rendered afresh for
each response, an eighth of a bill's page and as much of a list made after a change. The list's
filter fields are another such piece: the same choices and the same selection come out the same
for every resident who has them. What a piece shows depends only on the part, the path the part is
mounted at, the page's language and the values a template hands it (which tab is current, the
choices), so it is kept under exactly those.

A kept piece is rendered with nothing but those values and the environment's globals: no request,
session, user or context processor reaches it, and asking for the CSRF token fails, so a piece can
never carry one visitor's state to another.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable

from cachetools import LRUCache
from flask import Flask, current_app, request
from markupsafe import Markup

from common.i18n import current_locale

EXTENSION = "kept_frame"
# A piece is a few hundred to a few thousand characters; a part has a few dozen of them.
KEPT_CHARACTERS = 1_000_000


class SessionStateInKeptPiece(RuntimeError):
    """A kept piece asked for what belongs to one session (its CSRF token)."""


def _no_session_state() -> str:
    raise SessionStateInKeptPiece("a kept piece of the frame may not carry a CSRF token")


class KeptFrame:
    def __init__(self) -> None:
        self._pieces: LRUCache[Hashable, Markup] = LRUCache(maxsize=KEPT_CHARACTERS, getsizeof=len)
        self._lock = threading.Lock()

    def piece(self, template: str, **shown: Hashable) -> Markup:
        """``template`` rendered with only ``shown``, once per mount path, language and ``shown``."""
        key = (template, request.script_root, current_locale(), *sorted(shown.items()))
        with self._lock:
            html = self._pieces.get(key)
        if html is None:
            page = current_app.jinja_env.get_template(template)
            html = Markup(page.render(**shown, csrf_token=_no_session_state))
            with self._lock:
                self._pieces[key] = html
        return html


def kept_piece(template: str, **shown: Hashable) -> Markup:
    """Templates' ``kept_piece("_head.html", tab="bills")``: the piece as this app keeps it."""
    kept: KeptFrame = current_app.extensions[EXTENSION]
    return kept.piece(template, **shown)


def init_kept_frame(app: Flask) -> None:
    app.extensions[EXTENSION] = KeptFrame()
    app.jinja_env.globals["kept_piece"] = kept_piece
