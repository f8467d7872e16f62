"""Parts of the bill pages that come out the same on every view, rendered once per process.

**A bill's document parts.**
A stored bill's document (payer, issuer, items, medical details) never changes: it is written
once, and what does change — the status, the authorizations, the timeline — lives in other
columns and other parts of the page. So these parts come out the same on every view of the
bill, by the resident or by a unit, and a process renders each once (the items table and the
fields around it were about a fifth of a bill's page). A part must show nothing but the
document: no status, no user, no token.

**A bill's card on the list.** It is kept under exactly what it shows — the bill's id (its
link), issuer, type, province, day, amount and status chip — so a list made afresh after a
change renders only the cards that changed, and a card can never show another bill's text.

Both kinds are kept per locale: the labels around a document and a card's chip are translated,
so a part rendered for a Mongolian page never serves a Chinese one, nor the reverse.

Each process keeps its own parts in bounded LRUs, sized by the characters kept.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

from cachetools import LRUCache
from flask import current_app, render_template
from markupsafe import Markup

from common.i18n import current_locale

# About 8 MB of text per process; a bill's parts are typically 2–10 thousand characters.
KEPT_CHARACTERS = 4_000_000

_kept: LRUCache[tuple[str, str, bytes], Markup] = LRUCache(maxsize=KEPT_CHARACTERS, getsizeof=len)
_cards: LRUCache[tuple[Any, ...], Markup] = LRUCache(maxsize=KEPT_CHARACTERS, getsizeof=len)
CARD = "wallet/bills/_card.html"
_lock = threading.Lock()


def document_part(template: str, bill: Any) -> Markup:
    """``template`` rendered for ``bill`` (a presenter of a stored bill), once per process.

    Keyed by the signed document's own bytes (their digest), not by code and number: what is kept
    is then what this very document shows, whatever else holds the same code and number."""
    key = (template, current_locale(), hashlib.blake2b(bill.canonical, digest_size=16).digest())
    with _lock:
        html = _kept.get(key)
    if html is None:
        html = Markup(render_template(template, bill=bill))
        with _lock:
            _kept[key] = html
    return html


def bill_card(bill: Any, href: str) -> Markup:
    """The list card of ``bill`` (a list's presenter), linking to ``href`` followed by its id."""
    row = bill.bill
    shown = (row.id, row.issuer_name, row.type_key, row.type_name, row.province, row.issued_at, row.total)
    key = (current_locale(), href, *shown, bill.chip_key)
    with _lock:
        html = _cards.get(key)
    if html is None:
        html = Markup(current_app.jinja_env.get_template(CARD).render(bill=bill, bill_href=href))
        with _lock:
            _cards[key] = html
    return html
