"""A person opens the wallet on a phone and sees where to start."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.sync_api import Page, expect

DOCS_SHOT = Path(__file__).resolve().parents[3] / "docs" / "screenshots" / "wallet-home-phone.png"


def test_home_at_phone_size_shows_welcome_and_bottom_navigation(system, page: Page, screenshot_dir):
    page.goto("/")
    expect(page).to_have_title("票据 · 票据夹")
    expect(page.get_by_role("heading", level=1)).to_have_text("票据夹 · 您的财政电子票据")
    expect(page.get_by_role("link", name="使用蒙速办实名登录")).to_be_visible()
    nav = page.get_by_role("navigation", name="主导航")
    for label in ("票据", "导入", "授权", "我的"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    expect(nav.get_by_role("link", name="票据")).to_have_attribute("aria-current", "page")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    nav.get_by_role("link", name="导入").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("导入票据")
    expect(nav.get_by_role("link", name="导入")).to_have_attribute("aria-current", "page")

    page.goto("/")
    shot = screenshot_dir / "wallet-home-phone.png"
    page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("UPDATE_DOC_SCREENSHOTS"):
        DOCS_SHOT.parent.mkdir(exist_ok=True)
        shutil.copy(shot, DOCS_SHOT)


def test_csp_blocks_nothing_the_page_needs(system, page: Page):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/")
    page.wait_for_function("window.htmx !== undefined")
    assert violations == []
