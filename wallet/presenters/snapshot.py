"""A bill's signed status snapshot as its page shows it: the statement and its QR code, in the page itself.

The QR code is a PNG inside the page (a ``data:`` URI) rather than an image the page links to:
the offline wallet keeps the page, and with it the code, for the counter without signal.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import segno

from common.timeutil import utcnow
from wallet.models.bill import Bill
from wallet.services import status_snapshots
from wallet.services.status_snapshots import Snapshot

# A fixed mask skips segno's search for the best of eight (about two thirds of the drawing time);
# any mask reads, and the code is shown large on a screen, not printed.
QR_MASK = 0


@dataclass(frozen=True)
class ShownSnapshot:
    snapshot: Snapshot
    qr: str


def shown_snapshot(bill: Bill, status: str) -> ShownSnapshot:
    snapshot = status_snapshots.take(bill, status, utcnow())
    out = io.BytesIO()
    segno.make(snapshot.url, error="l", mask=QR_MASK).save(out, kind="png", scale=4, border=4)
    return ShownSnapshot(snapshot, "data:image/png;base64," + base64.b64encode(out.getvalue()).decode())
