"""A filter the resident chooses while a change reaches the open list is kept: the list's live refresh
(of the list as it was) must not land in its place, and the change still shows."""

from __future__ import annotations

import re

from playwright.sync_api import Page, Route, expect

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.wallet.browser.test_authorize_flow import no_reload_since_marked
from tests.wallet.browser.test_bills_phone import cards
from tests.wallet.browser.test_sync_status_phone import signed_in_and_collected, worker_claims, worker_finishes
from wallet.services.collection_jobs import request_sync

INPATIENT = "医疗住院收费票据"


def test_a_filter_chosen_while_a_change_arrives_is_kept_and_shows_the_change(
    system, seeded_idp, network, wallet_app, page: Page
):
    rid = signed_in_and_collected(page, network, wallet_app)
    inpatient = len([t for t in cards(page).all_inner_texts() if INPATIENT in t])
    page.evaluate("window.__sameDocument = true")

    # The filter's request is held on its way while a new bill is collected and announced.
    held: list[Route] = []

    def hold_the_first(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route(re.compile(r"type=medical_inpatient"), hold_the_first)
    page.get_by_label("票据类型").select_option(label=INPATIENT)
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)  # the route's handler runs while the page is waited on
    assert len(held) == 1, "the filter asked for the list"
    seen = int(page.locator("#live").get_attribute("data-seq") or 0)
    network.issue("p1", type_key="medical_inpatient", amount=4400)
    with wallet_app.app_context():
        request_sync(rid)
    worker_claims(wallet_app, rid)
    assert worker_finishes(wallet_app, rid)
    page.wait_for_function("(seen) => Number(document.getElementById('live').dataset.seq) > seen", arg=seen)
    page.wait_for_timeout(500)  # time for a refresh of the unfiltered list to be asked for and answered
    held[0].continue_()

    expect(page).to_have_url(re.compile(r"type=medical_inpatient"))
    expect(page.get_by_test_id("totals")).to_contain_text(f"共 {inpatient + 1} 张（已筛选）")
    expect(cards(page).filter(has_text="¥44.00")).to_have_count(1)
    for text in cards(page).all_inner_texts():
        assert INPATIENT in text
    assert no_reload_since_marked(page), "the page was reloaded"
