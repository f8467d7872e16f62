"""The snapshot a bill's page shows: a QR code that reads back to the snapshot's URL, taken again
whenever what it states changes, and otherwise shown again for a few minutes (it says when it was signed)."""

from __future__ import annotations

import base64
import io
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image

from tests.wallet.public.test_status_snapshots import SIGNED_AT, app, bill  # noqa: F401 (the fixture)
from wallet.presenters import snapshot as module
from wallet.services import status_snapshots


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    now = [SIGNED_AT]
    monkeypatch.setattr(module, "utcnow", lambda: now[0])
    monkeypatch.setattr(module, "_kept", module.LRUCache(maxsize=16))
    return now


def decoded(data_uri: str) -> str:
    prefix = "data:image/png;base64,"
    assert data_uri.startswith(prefix)
    image = Image.open(io.BytesIO(base64.b64decode(data_uri.removeprefix(prefix))))
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1
    return found[0].text


def test_the_qr_code_carries_the_snapshot_url_that_verifies(app, clock):  # noqa: F811
    shown = module.shown_snapshot(bill(id=7), "partially_reimbursed")
    assert decoded(shown.qr) == shown.snapshot.url
    read = status_snapshots.read(decoded(shown.qr))
    assert (read.status, read.reimbursed, read.signed_at) == (
        "partially_reimbursed",
        12000,
        SIGNED_AT.replace(microsecond=0),
    )


def test_a_reopened_page_shows_the_same_snapshot_for_a_few_minutes_then_a_new_one(app, clock):  # noqa: F811
    first = module.shown_snapshot(bill(id=7), "locked")
    clock[0] = SIGNED_AT + module.REUSE - timedelta(seconds=1)
    assert module.shown_snapshot(bill(id=7), "locked") is first
    clock[0] = SIGNED_AT + module.REUSE
    again = module.shown_snapshot(bill(id=7), "locked")
    assert again.snapshot.signed_at == clock[0].replace(microsecond=0) and again.snapshot.token != first.snapshot.token


@pytest.mark.parametrize(
    ("status", "changes"),
    [("reimbursed", {}), ("locked", {"reimbursed_amount": 20000}), ("locked", {"check_code": "ffffff"})],
)
def test_a_change_of_what_it_states_takes_a_new_snapshot_at_once(app, clock, status, changes):  # noqa: F811
    first = module.shown_snapshot(bill(id=7), "locked")
    clock[0] = SIGNED_AT + timedelta(seconds=5)
    changed = module.shown_snapshot(bill(id=7, **changes), status)
    assert changed.snapshot.signed_at > first.snapshot.signed_at
    read = status_snapshots.read(changed.snapshot.token)
    assert (read.status, read.reimbursed, read.elements.check) == (
        status,
        changes.get("reimbursed_amount", 12000),
        changes.get("check_code", "a1b2c3"),
    )
