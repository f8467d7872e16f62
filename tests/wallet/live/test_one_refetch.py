"""A change costs an open page one re-fetch: the section marked ``data-live-badge`` brings the header's
unread badge back with its own answer, out of band, so the badge need not ask for itself (static/js/live.js)."""

from __future__ import annotations

from tests.wallet.authorization.fixtures import as_unit, claimable, grant, resident_id_of
from wallet.extensions import db
from wallet.models import SyncState
from wallet.services.reimbursement import lock_claim

OOB_BADGE = '<a id="notice-badge" class="notice-link" href="/notifications" hx-swap-oob="true"'


def test_the_overview_brings_the_badge_with_it_and_the_page_holds_one(resident_client, wallet_app, demo_units):
    rid = resident_id_of(wallet_app)
    claim = grant(wallet_app, rid, demo_units["insurer"], claimable(wallet_app, rid, 1))[0]
    as_unit(wallet_app, "insurer", lock_claim, claim)

    section = resident_client.get("/authorizations/overview").get_data(as_text=True)
    assert "data-live-badge" in section and section.count(OOB_BADGE) == 1
    unread = resident_client.get("/notifications/badge").get_data(as_text=True).split("<span", 1)[1]
    assert "unread-count" in unread and section.split(OOB_BADGE, 1)[1].endswith(unread)
    page = resident_client.get("/authorizations").get_data(as_text=True)
    assert page.count('id="notice-badge"') == 1 and "hx-swap-oob" not in page


def test_the_bill_status_brings_the_badge_with_it(resident_client, wallet_app):
    bill = claimable(wallet_app, resident_id_of(wallet_app), 1)[0]
    section = resident_client.get(f"/bills/{bill}/status").get_data(as_text=True)
    assert "data-live-badge" in section and section.count(OOB_BADGE) == 1
    page = resident_client.get(f"/bills/{bill}").get_data(as_text=True)
    assert page.count('id="notice-badge"') == 1 and "hx-swap-oob" not in page


def test_every_live_page_starts_its_channel_at_the_sequence_it_was_made_at(resident_client, wallet_app, demo_units):
    """A page that said an older sequence had its stream answer "changed" at once and re-fetched itself."""
    rid = resident_id_of(wallet_app)
    bills = claimable(wallet_app, rid, 2)
    grant(wallet_app, rid, demo_units["insurer"], bills)
    with wallet_app.app_context():
        seq = db.session.get(SyncState, rid).change_seq
    assert seq > 0
    for path in ("/", f"/bills/{bills[0]}", "/authorizations", "/notifications", "/access-history"):
        page = resident_client.get(path).get_data(as_text=True)
        assert f'data-seq="{seq}"' in page, path
