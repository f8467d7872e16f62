"""A resident who moves through the list with a keyboard or a screen reader keeps their place when
the list changes under them: a change refreshes it, 加载更多 brings the next bills. The focused
link went with the part of the page that was replaced, and Tab then started again from the top."""

from __future__ import annotations

from playwright.sync_api import Page, Route, expect

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.wallet.browser.test_bill_list_phone import (  # noqa: F401  (fixture)
    list_opened,
    many_bills,
    reimbursed_elsewhere,
)
from tests.wallet.browser.test_bills_phone import cards

FOCUSED = "() => document.activeElement.getAttribute('href') || document.activeElement.id"


def bill_id(href: str) -> int:
    return int(href.rsplit("/", 1)[1])


def test_a_focused_bill_keeps_focus_when_a_change_refreshes_the_list(
    system, seeded_idp, many_bills, running_worker, wallet_app, page: Page
):
    expected = list_opened(page, wallet_app)
    page.locator(f'#bill-results a[href="{expected[6]}"]').focus()
    reimbursed_elsewhere(wallet_app, bill_id(expected[2]))
    expect(page.locator(f'#bill-results a[href="{expected[2]}"]')).to_contain_text("已报销", timeout=5000)
    assert page.evaluate(FOCUSED) == expected[6]
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == expected[7], "Tab goes on from the bill, not from the top"


def test_a_focused_bill_that_leaves_a_filtered_list_leaves_focus_on_the_list(
    system, seeded_idp, many_bills, running_worker, wallet_app, page: Page
):
    list_opened(page, wallet_app)
    page.goto("/?status=reimbursable")
    leaving = page.locator("#bill-results a.bill-link").nth(3)
    href = leaving.get_attribute("href")
    assert href
    leaving.focus()
    reimbursed_elsewhere(wallet_app, bill_id(href))
    expect(page.locator(f'#bill-results a[href="{href}"]')).to_have_count(0, timeout=5000)
    assert page.evaluate(FOCUSED) == "bill-results"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('#bill-results') !== null")


def test_more_bills_brought_by_the_keyboard_take_focus_at_the_first_new_bill(
    system, seeded_idp, many_bills, running_worker, wallet_app, page: Page
):
    expected = list_opened(page, wallet_app)
    expect(cards(page)).to_have_count(20)
    held: list[Route] = []

    def next_bills(url: str) -> bool:
        return "cursor=" in url

    def hold(route: Route) -> None:
        held.append(route)

    # The next bills are held on their way, so 加载更多 still has focus when they come.
    page.route(next_bills, hold)
    page.locator(f'#bill-results a[href="{expected[19]}"]').focus()
    page.keyboard.press("Tab")
    expect(page.locator(".load-more a")).to_be_focused()
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "reaching 加载更多 asked for the next bills"
    held.pop().continue_()
    page.unroute(next_bills)
    expect(cards(page)).to_have_count(40)
    assert page.evaluate(FOCUSED) == expected[20]
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == expected[21]
