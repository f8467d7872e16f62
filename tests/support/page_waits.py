"""Waiting in a page for something only a Promise can tell (caches, service workers, notifications).

Playwright's ``wait_for_function`` takes the value its function returns as it is, and a Promise
is truthy: an ``async`` check, or one that returns ``.then(…)``, passes at once, whatever it
would resolve to. Here the check runs on every poll and its last answer is kept on ``window``,
so the wait ends only once the check has said ``true``.
"""

from __future__ import annotations

from playwright.sync_api import Page

SLOT = "__lastAnswer"


def wait_until(page: Page, check: str, timeout: float | None = None) -> None:
    """Wait until the JS function ``check`` (it returns a Promise of a boolean) resolves to true."""
    page.evaluate(f"() => {{ window.{SLOT} = undefined; }}")
    ask = f"Promise.resolve(({check})()).then((ok) => {{ window.{SLOT} = ok; }})"
    page.wait_for_function(f"() => {{ {ask}; return window.{SLOT} === true; }}", timeout=timeout)
