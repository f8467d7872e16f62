"""The resident's pages in traditional Mongolian on a 360 px phone, as a Mongolian reader sees them.

Each page is checked as every resident page is (tests/support/visual.py: no sideways scroll,
no clipped text, 44 px targets, axe-core clean), and beyond that: no text laid over other text,
the page set vertically, and the Mongolian letters drawn by the vendored font rather than a
fallback's empty boxes. The texts the test clicks are looked up in the Mongolian catalog, so a
corrected translation does not break it. With ``UPDATE_DOC_SCREENSHOTS=1`` it refreshes the
README's three Mongolian screenshots.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from playwright.sync_api import Page, expect

from common.money import yuan
from common.timeutil import to_local
from scripts.subset_mongolian_font import CATALOG
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.visual import PHONE_SIZES, check_page
from tests.wallet.authorization.fixtures import demo_units  # noqa: F401  (fixture)
from tests.wallet.browser.test_bills_phone import cards
from wallet.extensions import db
from wallet.models import Bill

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
MONGOLIAN_TAG = "mn-Mong-CN"
LANGUAGE_NAME = "ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ"
FONT_FAMILY = "Wallet Mongolian"
DOC_SCREENSHOTS = {"mongolian-list", "mongolian-detail", "mongolian-authorize"}


@cache
def catalog() -> dict[str, str]:
    with CATALOG.open("rb") as handle:
        return {
            m.id: m.string for m in read_po(handle) if isinstance(m.id, str) and isinstance(m.string, str) and m.string
        }


def mn(chinese: str) -> str:
    """The Mongolian a page shows for ``chinese`` (a text left untranslated is make lint's to catch)."""
    return catalog().get(chinese, chinese)


def either(chinese: str) -> re.Pattern[str]:
    """A name in Chinese or Mongolian: a page a visitor opens before choosing a language may be in either."""
    return re.compile(f"^\\s*(?:{re.escape(chinese)}|{re.escape(mn(chinese))})\\s*$")


# A page wider than the screen, and text laid over other text: the boxes of every two visible
# runs of text (text nodes, each line of one counted apart) must not meet. Fixed and sticky bars
# float over the page by design and are compared only among themselves.
_OVERLAPS_JS = r"""
(width) => {
  const found = [];
  // A phone's browser widens its layout to fit content that is too wide, so compare with the screen's width.
  const wide = document.documentElement.scrollWidth;
  if (wide > width + 1) {
    const out = [...document.body.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > width + 1)
      .filter((el) => ![...el.children].some((child) => child.getBoundingClientRect().right > width + 1)).slice(0, 4)
      .map((el) => `<${el.tagName.toLowerCase()}.${String(el.className).trim().split(/\s+/).join('.')}>`);
    found.push(`page is ${wide}px wide on a ${width}px screen: ${out.join(', ')}`);
  }
  const runs = [];
  const floating = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const position = getComputedStyle(node).position;
      if (position === 'fixed' || position === 'sticky') return node;
    }
    return null;
  };
  const shown = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const s = getComputedStyle(node);
      if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false;
      if (node.tagName === 'DETAILS' && !node.open && !el.closest('summary')) return false;
    }
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !node.data.trim() || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName) || !shown(el)) continue;
    if (el.closest('.skip-link, .visually-hidden')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width > 0.5 && r.height > 0.5) runs.push({node, el, layer: floating(el), r});
    }
  }
  const name = (el) => {
    const cls = el.className ? '.' + String(el.className).trim().split(/\s+/).join('.') : '';
    return `<${el.tagName.toLowerCase()}${cls}> "${el.textContent.trim().slice(0, 20)}"`;
  };
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      const a = runs[i], b = runs[j];
      if (a.node === b.node || a.layer !== b.layer) continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w > 1 && h > 1) found.push(`${name(a.el)} overlaps ${name(b.el)}`);
    }
  }
  return [...new Set(found)].slice(0, 10);
}
"""

# Whether the vendored face is what draws the Mongolian text: loaded, matched, and wider or
# narrower than the same text in a font that has no Mongolian letters.
_FONT_JS = r"""
async (family) => {
  await document.fonts.ready;
  const faces = [...document.fonts].filter((face) => face.family.replace(/"/g, '') === family);
  const word = (document.querySelector('main').textContent.match(/[\u1800-\u18AF\u202F]+/g) || [])
    .join(' ').slice(0, 60);
  const width = (font) => {
    const span = document.createElement('span');
    span.textContent = word;
    span.style.cssText = `font: 32px ${font}; position: absolute; white-space: nowrap; writing-mode: horizontal-tb`;
    document.body.append(span);
    const w = span.getBoundingClientRect().width;
    span.remove();
    return w;
  };
  return {
    statuses: faces.map((face) => face.status),
    matched: document.fonts.check(`16px "${family}"`, word),
    word,
    vendored: width(`"${family}", monospace`),
    fallback: width('monospace'),
    // The first heading or text of the page's own that is Mongolian runs in vertical columns.
    writingMode: getComputedStyle([...document.querySelectorAll('main :is(h1, h2, p)')].find((el) =>
      el.checkVisibility() && /[\u1820-\u18AF]/.test(el.textContent)) || document.body).writingMode,
    lang: document.documentElement.lang,
  };
}
"""


def check_mongolian_page(page: Page, name: str) -> None:
    """The visual check of every resident page, then what a Mongolian page must add to it."""
    check_page(page, name)
    font = page.evaluate(_FONT_JS, FONT_FAMILY)
    assert font["lang"] == MONGOLIAN_TAG, f"{name}: the page is not in Mongolian ({font['lang']})"
    assert font["word"], f"{name}: no Mongolian text on the page"
    assert "loaded" in font["statuses"] and font["matched"], f"{name}: the Mongolian font did not load: {font}"
    assert abs(font["vendored"] - font["fallback"]) > 10, f"{name}: Mongolian drawn by a fallback font: {font}"
    assert font["writingMode"] == "vertical-lr", f"{name}: Mongolian text is not set vertically"
    drawn_by = fonts_drawing(page)
    assert any(f["isCustomFont"] and "Mongolian" in f["familyName"] for f in drawn_by), (
        f"{name}: Mongolian letters are not drawn by the vendored font: {drawn_by}"
    )
    for size in PHONE_SIZES:
        page.set_viewport_size(size)
        overlaps = page.evaluate(_OVERLAPS_JS, size["width"])
        assert not overlaps, f"{name} at {size['width']} px: text laid over text:\n  " + "\n  ".join(overlaps)
    page.set_viewport_size(PHONE_SIZES[0])
    if os.environ.get("UPDATE_DOC_SCREENSHOTS") and name in DOC_SCREENSHOTS:
        DOCS.mkdir(exist_ok=True)
        page.screenshot(path=str(DOCS / f"{name}.png"), full_page=False)


_PROBE_JS = r"""
() => {
  const el = [...document.querySelectorAll('main *')].find((node) => node.checkVisibility() &&
    [...node.childNodes].some((child) => child.nodeType === Node.TEXT_NODE && /[\u1820-\u18AF]/.test(child.data)));
  if (el) el.setAttribute('data-font-probe', '');
  return Boolean(el);
}
"""


def fonts_drawing(page: Page) -> list[dict]:
    """The fonts Chromium actually used for the first Mongolian text in the page's main part."""
    assert page.evaluate(_PROBE_JS), "no Mongolian text in the page's main part"
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "[data-font-probe]"})["nodeId"]
        return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
        page.evaluate("document.querySelector('[data-font-probe]')?.removeAttribute('data-font-probe')")


def log_in_in_mongolian(page: Page, person: str) -> None:
    """From the wallet's login link, choosing ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ on the 蒙速办 login page, to an activated account."""
    page.goto("/")
    page.get_by_role("link", name=either("使用蒙速办实名登录")).first.click()
    page.get_by_role("button", name=LANGUAGE_NAME).click()
    expect(page.locator("html")).to_have_attribute("lang", MONGOLIAN_TAG)
    check_mongolian_page(page, "mongolian-idp-login")
    page.get_by_role("button", name=re.compile(person)).click()
    page.get_by_role("button", name=either("同意并继续")).click()
    page.get_by_label(either("我已阅读并同意以上内容")).check()
    page.get_by_role("button", name=either("同意并开通")).click()


def bill_of(wallet_app, bill_id: int) -> Bill:
    with wallet_app.app_context():
        bill = db.session.get_one(Bill, bill_id)
        db.session.expunge(bill)
        return bill


def test_resident_reads_the_wallet_in_vertical_mongolian(
    system, seeded_idp, network, running_worker, demo_units, wallet_app, page: Page
):
    log_in_in_mongolian(page, "乌日娜")
    expect(page.get_by_test_id("totals")).to_contain_text(str(network.payer_bill_count("p1")), timeout=15000)
    check_mongolian_page(page, "mongolian-list")

    cards(page).first.click()
    expect(page.locator("article.bill-detail")).to_be_visible()
    bill = bill_of(wallet_app, int(page.url.rstrip("/").rsplit("/", 1)[1]))
    check_mongolian_page(page, "mongolian-detail")
    # The bill's Chinese face reads across as issued; a Chinese name inside a Mongolian line stays in the line.
    turned = page.locator('main [lang|="zh"]').evaluate_all(
        "els => els.filter((el) => getComputedStyle(el).display !== 'inline' && el.checkVisibility())"
        ".filter((el) => getComputedStyle(el).writingMode !== 'horizontal-tb').map((el) => el.outerHTML.slice(0, 80))"
    )
    assert not turned, f"the bill's Chinese face turned vertical: {turned}"

    page.goto(f"/authorize/{demo_units['insurer']}")
    expect(page.locator("input[name=bill]").first).to_be_attached()
    check_mongolian_page(page, "mongolian-authorize")

    page.goto("/import")
    check_mongolian_page(page, "mongolian-import")

    page.goto("/check")
    check_mongolian_page(page, "mongolian-check-form")
    issued = to_local(bill.issued_at).strftime("%Y%m%d")
    page.goto(
        f"/check?code={bill.code}&number={bill.number}&check={bill.check_code}&date={issued}&amount={yuan(bill.total)}"
    )
    expect(page.get_by_test_id("status-chip")).to_be_visible()
    check_mongolian_page(page, "mongolian-check-result")
