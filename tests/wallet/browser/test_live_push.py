"""The live channel in the browser: a unit's lock reaches an open page over the page's one stream; where
EventSource is missing or its route fails the page falls back to polling and still updates; and a change
made by time alone (an authorization expiring) reaches an open page too."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Request, expect

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.visual import check_page
from tests.wallet.authorization.fixtures import age, as_unit, claimable, demo_units, grant  # noqa: F401  (fixtures)
from tests.wallet.browser.test_authorization_pages_look import signed_in
from wallet.auth.sessions import BACKGROUND_HEADER
from wallet.services.reimbursement import lock_claim

# Long enough for the stream's due-check (every 2 s) or the poll to carry the change, and the page to re-fetch.
ARRIVES_MS = 15000


def one_authorization(page: Page, network, wallet_app, demo_units) -> int:  # noqa: F811  (fixture passed in)
    rid = signed_in(page, network, wallet_app)
    return grant(wallet_app, rid, demo_units["insurer"], claimable(wallet_app, rid, 1), claim_ref="2026-0001")[0]


def live_requests(page: Page, marks: tuple[str, ...] = ("/live",)) -> list[str]:
    """The paths (without the leading slash) of the page's requests whose URL holds one of ``marks``;
    each is checked to say it was fetched by the page itself (the stream is no htmx request)."""
    seen: list[str] = []

    def note(request: Request) -> None:
        if any(mark in request.url for mark in marks):
            path = request.url.split("://", 1)[1].split("/", 1)[1]
            seen.append(path)
            if not path.startswith(("live/stream", "static/")):
                by_itself = request.headers.get(BACKGROUND_HEADER.lower())
                assert by_itself == "1", f"{path} would keep an idle session alive"

    page.on("request", note)
    return seen


def test_a_units_lock_reaches_the_open_page_through_its_one_stream(
    system, seeded_idp, network, running_worker, demo_units, wallet_app, page: Page
):
    claim = one_authorization(page, network, wallet_app, demo_units)
    requested = live_requests(page, ("/live", "/authorizations/overview", "/notifications/badge"))
    page.goto("/authorizations")
    expect(page.locator("#live")).to_have_attribute("data-mode", "stream")
    chip = page.get_by_test_id("auth-chip")
    expect(chip).to_have_text("已授权，待单位处理")
    unread = page.get_by_test_id("unread-count")
    before = int(unread.inner_text()) if unread.count() else 0
    opened = len(requested)

    as_unit(wallet_app, "insurer", lock_claim, claim)

    expect(chip).to_have_text("已锁定", timeout=ARRIVES_MS)
    # The lock's notice reaches the header's badge with the section's own answer: one re-fetch for the change.
    expect(unread).to_have_text(str(before + 1))
    expect(page.locator("#live")).to_have_attribute("data-mode", "stream")
    assert [url for url in requested if url.startswith("live?")] == [], "the page polled while its stream flowed"
    assert len([url for url in requested if url.startswith("live/stream")]) == 1, requested
    refetched = {url for url in requested[opened:] if not url.startswith("live")}
    assert refetched == {"authorizations/overview"}, requested
    check_page(page, "live-lock-pushed")


@pytest.mark.parametrize("blocked", ["missing", "refused"])
def test_without_a_working_stream_the_page_polls_and_still_updates(
    blocked, system, seeded_idp, network, running_worker, demo_units, wallet_app, page: Page
):
    claim = one_authorization(page, network, wallet_app, demo_units)
    if blocked == "missing":  # a web view without EventSource
        page.add_init_script("delete window.EventSource;")
    else:  # a network that refuses the stream
        page.route("**/live/stream*", lambda route: route.abort())
    requested = live_requests(page, ("/live?", "/authorizations/overview", "/notifications/badge"))
    page.goto("/authorizations")
    expect(page.locator("#live")).to_have_attribute("data-mode", "poll", timeout=ARRIVES_MS)

    as_unit(wallet_app, "insurer", lock_claim, claim)

    expect(page.get_by_test_id("auth-chip")).to_have_text("已锁定", timeout=ARRIVES_MS)
    expect(page.get_by_test_id("unread-count")).to_be_visible()  # the badge follows the poll as well
    assert any(url.startswith("live?") for url in requested) and "authorizations/overview" in requested
    # The refused stream's failed loads, and htmx logging each as an error event, are what this test causes.
    check_page(page, f"live-lock-polled-{blocked}", allow_console=["net::ERR_FAILED", "[object Event]"])


def test_an_authorization_expiring_by_time_alone_reaches_the_open_page(
    system, seeded_idp, network, running_worker, demo_units, wallet_app, page: Page
):
    claim = one_authorization(page, network, wallet_app, demo_units)
    page.goto("/authorizations")
    expect(page.locator("#live")).to_have_attribute("data-mode", "stream")

    age(wallet_app, claim, expires_at=1)

    expect(page.get_by_test_id("auth-chip")).to_have_text("已失效", timeout=ARRIVES_MS)
    expect(page.locator("#live")).to_have_attribute("data-mode", "stream")
    check_page(page, "live-expiry-pushed")
