"""Collecting a resident's bills wakes their open pages as each page of bills is stored."""

from __future__ import annotations

from tests.support.network import persona
from wallet.live import wakeups
from wallet.services.sync import sync_person


def test_each_stored_page_of_bills_wakes_the_residents_streams(wallet_app, network, resident_id, fiscal_client):
    woken: list[set[int]] = []
    undo = wakeups.wake_here(lambda residents: woken.append(set(residents)))
    try:
        with wallet_app.app_context():
            result = sync_person(resident_id, persona("p1").id_number, fiscal_client)
    finally:
        undo()
    assert result.collected > 0
    assert {resident_id} in woken, "the commit that stored the bills woke the resident's streams"
