"""What a person sees: one check every browser test runs on every page it shows.

Tests used to assert on what the code returned; people met broken images, wiped
lists, clipped text and English. :func:`check_page` looks at the rendered page the
way a person would and fails on any of these, at each viewport the audience uses,
and saves a screenshot of every page under ``test-screens/`` to be looked at:

- the page scrolls sideways (content wider than the viewport);
- an ``img`` that has not drawn (``naturalWidth == 0``) or an inline ``svg`` of no size;
- text clipped by its box, unless it is a deliberate one-line ellipsis with a ``title``;
- a date, an amount, a bill code or number, or an ID number broken over two lines;
- an interactive element smaller than the audience's touch target (44×44 CSS px on
  resident pages, Apple HIG; 24×24 on the consoles, WCAG 2.2 2.5.8);
- a Latin word outside the allow-list (PDF, QR, …) in text that is language (codes marked
  ``translate="no"`` are not), or a native file input that
  Chromium labels in English: residents read Chinese;
- a console error or a Content-Security-Policy violation since the last check;
- an axe-core violation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Page, ViewportSize

SCREENS = Path(__file__).resolve().parents[2] / "test-screens"

PHONE_SIZES: tuple[ViewportSize, ...] = ({"width": 360, "height": 780}, {"width": 414, "height": 896})
CONSOLE_SIZES: tuple[ViewportSize, ...] = ({"width": 1366, "height": 900},)

# Words a resident may read in Latin letters: the formats and marks printed on bills themselves.
RESIDENT_LATIN = frozenset({"PDF", "QR"})
# Unit clerks and finance officers also meet the names of the standards they integrate with.
CONSOLE_LATIN = RESIDENT_LATIN | {
    "API",
    "TOTP",
    "appId",
    "appKey",
    "JWS",
    "JWE",
    "JWK",
    "JWKS",
    "CSV",
    "OpenAPI",
    "URL",
    "HTTPS",
    "ECDH",
    "AES",
    "GCM",
    "JSON",
    "ID",
}


@dataclass(frozen=True)
class Audience:
    """Who reads a page: the viewports they use, their smallest target and the Latin words they read."""

    sizes: tuple[ViewportSize, ...]
    min_target: int
    latin: frozenset[str]


RESIDENT = Audience(PHONE_SIZES, 44, RESIDENT_LATIN)
CONSOLE = Audience(CONSOLE_SIZES, 24, CONSOLE_LATIN)


@dataclass
class ConsoleLog:
    """Console errors and page errors of one page since its last check."""

    errors: list[str] = field(default_factory=list)

    def take(self) -> list[str]:
        taken, self.errors = self.errors, []
        return taken


_logs: WeakKeyDictionary[Page, ConsoleLog] = WeakKeyDictionary()


def watch(page: Page) -> Page:
    """Start collecting ``page``'s console errors (CSP violations are reported there too)."""
    if page in _logs:
        return page
    log = _logs[page] = ConsoleLog()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            log.errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: log.errors.append(f"page error: {error}"))
    return page


# Runs in the page; returns a list of findings, each a short sentence naming the element.
_FINDINGS_JS = r"""
({minTarget}) => {
  const found = [];
  const doc = document.documentElement;
  const name = (el) => {
    const id = el.id ? '#' + el.id : '';
    const cls = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\s+/).join('.') : '';
    const text = (el.innerText || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 30);
    return `<${el.tagName.toLowerCase()}${id}${cls}> "${text}"`;
  };
  const visible = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    const rect = el.getBoundingClientRect();
    if (rect.width <= 1 && rect.height <= 1) return false;        // visually-hidden helpers
    for (let node = el; node; node = node.parentElement) {
      const s = getComputedStyle(node);
      if (s.display === 'none' || s.opacity === '0') return false;
      if (node.tagName === 'DETAILS' && !node.open && node !== el && !el.closest('summary')) return false;
    }
    return true;
  };
  if (doc.scrollWidth > window.innerWidth + 1) {
    const wide = [...document.body.querySelectorAll('*')].filter(
      (el) => visible(el) && el.getBoundingClientRect().right > window.innerWidth + 1).slice(-3).map(name);
    found.push(`page scrolls sideways: ${doc.scrollWidth}px in ${window.innerWidth}px (${wide.join(', ')})`);
  }
  for (const img of document.images) {
    if (!visible(img)) continue;
    if (!img.complete || img.naturalWidth === 0) found.push(`image not drawn: ${img.currentSrc || img.src}`);
  }
  for (const svg of document.querySelectorAll('svg')) {
    if (!visible(svg)) continue;
    const rect = svg.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) found.push(`inline svg of no size: ${name(svg)}`);
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (!visible(el) || !el.textContent.trim()) continue;
    const style = getComputedStyle(el);
    const clips = ['hidden', 'clip'];
    const overX = clips.includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
    const overY = clips.includes(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
    if (!overX && !overY) continue;
    const ellipsis = style.textOverflow === 'ellipsis' && style.whiteSpace === 'nowrap' && !overY;
    if (ellipsis && el.title) continue;
    found.push(`text clipped: ${name(el)}` + (ellipsis ? ' (an ellipsis needs a title)' : ''));
  }
  // A token a person reads as one thing must stay on one line.
  const token = new RegExp([String.raw`\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?`, String.raw`-?¥-?[\d,]+\.\d{2}`,
                            String.raw`\b\d{6,}[\dA-Za-z*]*`, String.raw`\d{2,}\*{4,}\w*`].join('|'), 'g');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement || !visible(node.parentElement)) continue;
    for (const match of node.data.matchAll(token)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (tops.size > 1) found.push(`"${match[0]}" broken over ${tops.size} lines in ${name(node.parentElement)}`);
    }
  }
  for (const input of document.querySelectorAll('input[type=file]')) {
    // Chromium draws "Choose File / No file chosen" in English: show a styled Chinese label instead.
    if (visible(input)) found.push(`native file input shows English: ${name(input)}`);
  }
  const interactive = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], ' +
                      '[tabindex]:not([tabindex="-1"])';
  for (const el of document.querySelectorAll(interactive)) {
    if (el.classList.contains('skip-link')) continue;
    let rect = el.getBoundingClientRect();
    let target = el;
    if (el.matches('input') && (el.labels || []).length) {
      // A checkbox, radio or file input is hit through its label too: the larger counts.
      for (const label of el.labels) {
        const r = label.getBoundingClientRect();
        if (visible(label) && r.width * r.height > rect.width * rect.height) { rect = r; target = label; }
      }
    }
    if (!visible(target)) continue;
    if (rect.width + 0.5 < minTarget || rect.height + 0.5 < minTarget) {
      found.push(`touch target ${Math.round(rect.width)}×${Math.round(rect.height)} < ${minTarget}: ${name(el)}`);
    }
  }
  return found;
}
"""

_LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+/_-]*")


def latin_words(text: str, allowed: Iterable[str]) -> list[str]:
    """Words of Latin letters in ``text`` a reader would have to know English for.

    Codes, amounts and check codes mix digits in and are fine; a word made only of
    letters must be on the allow-list.
    """
    allowed = set(allowed)
    words = []
    for token in _LATIN_WORD.findall(text):
        for part in re.split(r"[.+/_-]", token):
            if len(part) >= 2 and part.isascii() and part.isalpha() and part not in allowed:
                words.append(part)
    return sorted(set(words))


def language_text(page: Page) -> str:
    """The page's visible text less what is marked ``translate="no"``.

    HTML's own marker for text that is not language: a bill's check code is six letters
    or digits and may be all letters ("saagvd"), and no reader is asked to know it as a word.
    """
    text = page.inner_text("body")
    for code in page.locator('[translate="no"]').all_inner_texts():
        text = text.replace(code, " ") if code.strip() else text
    return text


def check_page(
    page: Page,
    name: str,
    audience: Audience = RESIDENT,
    *,
    allow_latin: Iterable[str] = (),
    allow_console: Iterable[str] = (),
    axe_disable: Iterable[str] = (),
) -> None:
    """Fail with every finding on ``page`` at each of ``audience``'s viewports; save a screenshot of each.

    ``allow_console`` takes substrings of console errors the test causes on purpose
    (a refused request it is testing); ``axe_disable`` takes axe rule ids a test
    turns off, each with its reason in the test.
    """
    watch(page)
    page.wait_for_load_state("load")
    original = page.viewport_size
    findings: list[str] = []
    try:
        for size in audience.sizes:
            page.set_viewport_size(size)
            page.wait_for_function("[...document.images].every((img) => img.complete)")
            label = f"{size['width']}x{size['height']}"
            findings += [f"[{label}] {f}" for f in page.evaluate(_FINDINGS_JS, {"minTarget": audience.min_target})]
            words = latin_words(language_text(page), audience.latin | set(allow_latin))
            if words:
                findings.append(f"[{label}] Latin words a reader cannot be expected to read: {', '.join(words)}")
            SCREENS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENS / f"{name}-{label}.png"), full_page=True)
        findings += axe_findings(page, axe_disable)
    finally:
        if original:
            page.set_viewport_size(original)
    allowed = tuple(allow_console)
    findings += [f"console: {e}" for e in _logs[page].take() if not any(a in e for a in allowed)]
    assert not findings, f"{name}: what a person would see is wrong:\n  " + "\n  ".join(findings)


_axe = Axe()


def axe_findings(page: Page, disable: Iterable[str] = ()) -> list[str]:
    options: dict[str, Any] = {"resultTypes": ["violations"]}
    rules = {rule: {"enabled": False} for rule in disable}
    if rules:
        options["rules"] = rules
    results = _axe.run(page, options=options).response
    return [
        f"axe {v['id']} ({v['impact']}): {v['help']} — {', '.join(' '.join(n['target']) for n in v['nodes'][:3])}"
        for v in results["violations"]
    ]
