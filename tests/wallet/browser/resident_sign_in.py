"""A resident's first sign-in in the browser, as several browser tests need it before their own steps."""

from __future__ import annotations

import re

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError


def activate_with_persona(page: Page, name: str) -> None:
    """At the identity stub's persona list: pick ``name``, consent, accept the account terms."""
    page.get_by_role("button", name=re.compile(name)).click()
    page.get_by_role("button", name="同意并继续").click()
    terms = page.get_by_label("我已阅读并同意以上内容")
    try:
        terms.wait_for()
    except PlaywrightTimeoutError:
        # Whatever page came instead (a refusal, an error) says why: the failure shows it.
        shown = page.locator("body").inner_text(timeout=5000)
        raise AssertionError(f"no account terms at {page.url}; the page says: {shown[:600]!r}") from None
    terms.check()
    # Returns once the page the activation leads to has loaded, its deferred scripts (htmx)
    # included: a step taken sooner would outrun them, which no person's hand does.
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="同意并开通").click()


def log_in_first_time(page: Page, name: str, start: str = "/") -> None:
    """From the ``start`` page's login link to an activated account."""
    page.goto(start)
    page.get_by_role("link", name="使用蒙速办实名登录").click()
    activate_with_persona(page, name)
