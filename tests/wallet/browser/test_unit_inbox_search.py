"""The unit clerk narrows the inbox by typing: the results change in place, the address follows, back restores."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.support.visual import CONSOLE, check_page
from tests.wallet.authorization.fixtures import claimable, collected, demo_units, grant  # noqa: F401  (fixtures)
from tests.wallet.browser.test_authorize_flow import no_reload_since_marked
from tests.wallet.browser.unit_desk import desktop, unit_logs_in
from wallet.extensions import db
from wallet.models import Claim


def test_typing_in_the_inbox_search_narrows_the_list_without_a_reload(
    system, wallet_app, network, collected, demo_units, browser: Browser, base_url: str
):
    claims = grant(wallet_app, collected, demo_units["insurer"], claimable(wallet_app, collected, 2))
    with wallet_app.app_context():
        wanted, other = (
            f"{bill.code}-{bill.number}" for bill in (db.session.get_one(Claim, claim).bill for claim in claims)
        )
    context = desktop(browser, base_url)
    desk = unit_logs_in(context, "insurer")
    expect(desk.get_by_test_id("claim-total")).to_have_text("共 2 条")
    desk.evaluate("window.__sameDocument = true")

    desk.get_by_label("搜索", exact=True).fill(wanted)
    expect(desk.get_by_test_id("claim-total")).to_have_text("共 1 条")
    expect(desk.get_by_role("link", name=wanted)).to_be_visible()
    expect(desk.locator(f"tr[data-claim='{other}']")).to_have_count(0)
    assert no_reload_since_marked(desk), "the results were swapped in, not a new page"
    assert f"q={wanted}" in desk.url, "the address carries the search (hx-push-url)"
    expect(desk.get_by_role("heading", name="授权票据")).to_have_count(1)
    check_page(desk, "unit-inbox-searched", CONSOLE)

    desk.go_back()
    expect(desk.get_by_test_id("claim-total")).to_have_text("共 2 条")
    expect(desk.locator(f"tr[data-claim='{other}']")).to_have_count(1)
    expect(desk.get_by_role("heading", name="授权票据")).to_have_count(1)
    context.close()
