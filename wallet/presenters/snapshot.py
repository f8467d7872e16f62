"""A bill's signed status snapshot as its page shows it: the statement and its QR code, in the page itself.

The QR code is a PNG inside the page (a ``data:`` URI) rather than an image the page links to:
the offline wallet keeps the page, and with it the code, for the counter without signal.

Every view of a bill's page shows one, so it must cost little. The code is drawn by zxing-cpp
(C++, about a millisecond; the pure-Python encoder took about 20, six times the rest of the
page). And a snapshot taken in the last few minutes is shown again while it still states what
the page would sign now (the same bill, status and amount reimbursed): it was true when signed
and still is, and it says when it was signed. Any change of what it states takes a new one.
"""

from __future__ import annotations

import base64
import io
import threading
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import zxingcpp
from cachetools import LRUCache
from flask import current_app
from PIL import Image

from common.timeutil import utcnow
from wallet.models.bill import Bill
from wallet.services import status_snapshots
from wallet.services.status_snapshots import Snapshot

# A reopened page shows a snapshot at most this old (the page says when it was signed).
REUSE = timedelta(minutes=5)
# One pixel per module: the page draws it at 240 px with ``image-rendering: pixelated`` (app.css),
# square modules with sharp edges, as the clerk's scanner reads it off a screen. Encoding a PNG four
# times as wide cost as much as making the code itself, on every bill's page made afresh.
QR_SCALE = 1

_kept: LRUCache[tuple[object, ...], ShownSnapshot] = LRUCache(maxsize=2048)
_lock = threading.Lock()


@dataclass(frozen=True)
class ShownSnapshot:
    snapshot: Snapshot
    qr: str


def qr_data_uri(text: str) -> str:
    """``text`` as a QR code (error correction L: the code is shown on a screen, not printed), as a PNG data URI."""
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="L")
    out = io.BytesIO()
    Image.fromarray(np.asarray(code.to_image(scale=QR_SCALE))).convert("1").save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def shown_snapshot(bill: Bill, status: str) -> ShownSnapshot:
    """The snapshot of ``bill`` at ``status`` to show now: a recent one stating the same, else a new one."""
    now = utcnow()
    # Where its URL points and the key it is signed with belong to what it says, as much as the bill does.
    config = current_app.config
    key = (config["WALLET_BASE_URL"], config["RECEIPT_SIGNING_KEY"], *status_snapshots.statement(bill, status))
    with _lock:
        kept = _kept.get(key)
    if kept is not None and timedelta(0) <= now - kept.snapshot.signed_at < REUSE:
        return kept
    snapshot = status_snapshots.take(bill, status, now)
    shown = ShownSnapshot(snapshot, qr_data_uri(snapshot.url))
    with _lock:
        _kept[key] = shown
    return shown
