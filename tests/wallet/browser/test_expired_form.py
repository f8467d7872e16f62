"""A form left open past its 8 hours, sent with htmx on a phone: the page says it expired and how to go on."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.csrf import token_shown
from tests.support.visual import check_page

FIELDS = {"code": "15060126", "number": "0000000001", "check": "a1b2c3", "date": "20260101", "amount": "5.00"}


def age_the_page(page: Page, token: str) -> None:
    """Put a token from 9 hours ago where the page keeps its own (the form and htmx's headers)."""
    page.evaluate(
        """(token) => {
             document.querySelectorAll('input[name=csrf_token]').forEach((input) => { input.value = token; });
             document.body.setAttribute('hx-headers', JSON.stringify({'X-CSRFToken': token}));
           }""",
        token,
    )


def test_an_expired_check_form_shows_what_happened_and_the_way_back(system, wallet_app, page: Page):
    page.goto("/check")
    page.wait_for_function("window.htmx !== undefined")
    for name, value in FIELDS.items():
        page.locator(f"#f-{name}").fill(value)
    session = next(c["value"] for c in page.context.cookies() if c["name"] == "session")
    age_the_page(page, token_shown(wallet_app, session, 9 * 3600))

    page.get_by_role("button", name="查验").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("页面已过期")
    expect(page.get_by_test_id("error-text")).to_contain_text("请刷新页面后重新操作")
    expect(page.locator("#main")).to_be_focused()
    back = page.get_by_role("link", name="返回刚才的页面")
    expect(back).to_have_attribute("href", "/check")
    # Leaving the last field sent its inline check with the same old token: the browser logs both
    # refusals, and htmx the one that came back after the page had already been replaced.
    check_page(page, "expired-form-htmx", allow_console=["status of 400", "Response Status Error Code 400"])

    back.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("财政电子票据查验")
    for name, value in FIELDS.items():
        page.locator(f"#f-{name}").fill(value)
    page.get_by_role("button", name="查验").click()
    expect(page.locator("#check-result [data-outcome]")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("财政电子票据查验")
