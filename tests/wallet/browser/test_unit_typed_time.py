"""A unit clerk types 报销时间 13:21 in the feedback form; the claim page shows 13:21, on a desk and a phone.

The whole-page visual check (``tests.support.visual.check_page``) still flags parts of the
unit claim page outside the time (the back link's touch target, the signature algorithm's
Latin name); this test holds the typed time to the same rules: shown, on one line, unclipped.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.sync_api import Browser, Locator, expect

from tests.support.visual import CONSOLE_SIZES, PHONE_SIZES
from tests.wallet.authorization.fixtures import claimable, collected, demo_units, grant  # noqa: F401  (fixtures)
from tests.wallet.browser.unit_desk import desktop, lock_claim, record_reimbursement, unit_logs_in

DOCS_SHOT = Path(__file__).resolve().parents[3] / "docs" / "screenshots" / "unit-claim-typed-time.png"
SHOWN = "2026-03-06 13:21"

LAYOUT_JS = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return {lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size,
          clipped: el.scrollWidth > el.clientWidth + 1};
}"""


def assert_shown_whole(typed: Locator) -> None:
    expect(typed).to_be_visible()
    expect(typed).to_have_text(SHOWN)
    assert typed.evaluate(LAYOUT_JS) == {"lines": 1, "clipped": False}, "the time is broken or clipped"


def test_the_claim_page_shows_the_reimbursement_time_as_the_clerk_typed_it(
    system, wallet_app, network, collected, demo_units, browser: Browser, base_url: str, screenshot_dir
):
    claim = grant(wallet_app, collected, demo_units["insurer"], claimable(wallet_app, collected, 1))[0]
    context = desktop(browser, base_url)
    desk = unit_logs_in(context, "insurer")
    desk.goto(f"/unit/claims/{claim}")
    lock_claim(desk)

    record_reimbursement(desk, "10.00", "BX2026TIME02", "JZ-2026-0322", when="2026-03-06T13:21")
    typed = desk.locator("dt", has_text="报销时间").locator("xpath=following-sibling::dd[1]")

    for size in (*CONSOLE_SIZES, *PHONE_SIZES):
        desk.set_viewport_size(size)
        assert_shown_whole(typed)
        desk.screenshot(path=str(screenshot_dir / f"unit-claim-typed-time-{size['width']}.png"), full_page=True)

    desk.set_viewport_size(CONSOLE_SIZES[0])
    shot = screenshot_dir / "unit-claim-typed-time.png"
    desk.screenshot(path=str(shot), full_page=True)
    if os.environ.get("UPDATE_DOC_SCREENSHOTS"):
        DOCS_SHOT.parent.mkdir(exist_ok=True)
        shutil.copy(shot, DOCS_SHOT)
    context.close()
