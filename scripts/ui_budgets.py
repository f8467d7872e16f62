"""The UI quality budgets of ``make check-ui`` and the verdict on one run's measurements.

Kept apart from the browser work so the verdict is tested on its own
(tests/test_ui_budgets.py): a budget that cannot fail is not a budget. Each limit can be
changed through the environment, which is also how the failing run is shown on purpose
(``CHECK_UI_MAX_LIST_JS_KB=5 make check-ui``).
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

CATEGORIES = {"performance": "performance", "accessibility": "accessibility", "best-practices": "best_practices"}


@dataclass(frozen=True)
class Budgets:
    """Lighthouse scores are 0–100 (mobile); axe violations are counted per rule; JS is gzipped kilobytes.

    Performance is the median of ``runs`` Lighthouse runs: on a shared machine one run's
    blocking time swings with the neighbours' load, and the median is Lighthouse's own
    advice against that variance. The other categories do not vary and are measured once.
    """

    performance: int = 95
    accessibility: int = 100
    best_practices: int = 95
    axe_violations: int = 0
    list_js_kb: float = 25.0
    # Stylesheets (gzipped) and fonts (as sent: woff2 is compressed already) of the bill list, in either
    # language: the Mongolian list also loads its stylesheet and the Mongolian font.
    list_style_kb: float = 30.0
    runs: int = 3

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Budgets:
        env = os.environ if env is None else env
        base = cls()
        return cls(
            performance=int(env.get("CHECK_UI_MIN_PERFORMANCE", base.performance)),
            accessibility=int(env.get("CHECK_UI_MIN_ACCESSIBILITY", base.accessibility)),
            best_practices=int(env.get("CHECK_UI_MIN_BEST_PRACTICES", base.best_practices)),
            axe_violations=int(env.get("CHECK_UI_MAX_AXE_VIOLATIONS", base.axe_violations)),
            list_js_kb=float(env.get("CHECK_UI_MAX_LIST_JS_KB", base.list_js_kb)),
            list_style_kb=float(env.get("CHECK_UI_MAX_LIST_STYLE_KB", base.list_style_kb)),
            runs=max(1, int(env.get("CHECK_UI_RUNS", base.runs))),
        )


@dataclass
class PageResult:
    """What one page measured: Lighthouse category scores, axe violations (rule → nodes), and for a list its JS,
    stylesheets and fonts."""

    name: str
    path: str
    scores: dict[str, int] = field(default_factory=dict)
    lighthouse_failures: dict[str, list[str]] = field(default_factory=dict)
    axe: dict[str, int] = field(default_factory=dict)
    js_gzip_bytes: int | None = None
    style_bytes: int | None = None
    performance_runs: list[int] = field(default_factory=list)


def lighthouse_scores(report: Mapping) -> dict[str, int]:
    """Category scores of a Lighthouse JSON report, 0–100 (a category that could not be scored is 0)."""
    return {
        key: round((report["categories"][lh]["score"] or 0) * 100)
        for lh, key in CATEGORIES.items()
        if lh in report["categories"]
    }


def failing_audits(report: Mapping) -> dict[str, list[str]]:
    """Per category, the weighted audits that did not pass: what to fix when a score drops."""
    failing: dict[str, list[str]] = {}
    for lh, key in CATEGORIES.items():
        category = report["categories"].get(lh)
        if not category:
            continue
        names = []
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                names.append(f"{ref['id']} ({round(audit['score'] * 100)})")
        if names:
            failing[key] = names
    return failing


def script_urls(report: Mapping) -> list[str]:
    """Every script the page loaded, from the report's network requests."""
    items = report["audits"]["network-requests"]["details"]["items"]
    return [item["url"] for item in items if item.get("resourceType") == "Script"]


def style_urls(report: Mapping) -> list[tuple[str, bool]]:
    """Every stylesheet and font the page loaded, each with whether the proxy compresses it (fonts are not)."""
    items = report["audits"]["network-requests"]["details"]["items"]
    return [
        (item["url"], item["resourceType"] == "Stylesheet")
        for item in items
        if item.get("resourceType") in ("Stylesheet", "Font")
    ]


def gzip_size(body: bytes) -> int:
    """Bytes on the wire once compressed as the TLS proxy compresses text (gzip, level 6)."""
    return len(gzip.compress(body, compresslevel=6))


LIST_PAGES = ("home", "home-mn")


def breaches(budgets: Budgets, results: list[PageResult], list_pages: tuple[str, ...] = LIST_PAGES) -> list[str]:
    """Every broken budget, one line each; empty when the run passes."""
    found: list[str] = []
    minimums = {
        "performance": budgets.performance,
        "accessibility": budgets.accessibility,
        "best_practices": budgets.best_practices,
    }
    for result in results:
        for key, minimum in minimums.items():
            score = result.scores.get(key)
            if score is None:
                found.append(f"{result.name}: no Lighthouse {key} score")
            elif score < minimum:
                detail = ", ".join(result.lighthouse_failures.get(key, []))
                found.append(f"{result.name}: {key} {score} < {minimum}" + (f" — {detail}" if detail else ""))
        violations = sum(result.axe.values())
        if violations > budgets.axe_violations:
            rules = ", ".join(f"{rule} ×{count}" for rule, count in sorted(result.axe.items()))
            found.append(f"{result.name}: {violations} axe violations > {budgets.axe_violations} — {rules}")
        if result.name in list_pages:
            found += _size_breach(
                result.name, "JavaScript", "JavaScript size", result.js_gzip_bytes, budgets.list_js_kb, " gzipped"
            )
            found += _size_breach(
                result.name,
                "stylesheets and fonts",
                "stylesheet and font size",
                result.style_bytes,
                budgets.list_style_kb,
            )
    return found


def _size_breach(page: str, what: str, measure: str, size: int | None, limit_kb: float, how: str = "") -> list[str]:
    """The line a list page's download over its budget (or never measured) costs, if any."""
    if size is None:
        return [f"{page}: {measure} was not measured"]
    if size > limit_kb * 1024:
        return [f"{page}: {what} {size / 1024:.1f} KB{how} > {limit_kb:g} KB"]
    return []


def table(results: list[PageResult]) -> str:
    """The run at a glance, as docs and the report quote it."""
    lines = ["page              performance (runs)  accessibility  best-practices  axe  JS (gzip)  CSS+fonts"]
    for r in results:
        js = f"{r.js_gzip_bytes / 1024:.1f} KB" if r.js_gzip_bytes is not None else "—"
        style = f"{r.style_bytes / 1024:.1f} KB" if r.style_bytes is not None else "—"
        runs = "/".join(str(n) for n in r.performance_runs)
        performance = f"{r.scores.get('performance', '—')} ({runs})" if runs else str(r.scores.get("performance", "—"))
        lines.append(
            f"{r.name:<17} {performance:>18}  {r.scores.get('accessibility', '—')!s:>13}"
            f"  {r.scores.get('best_practices', '—')!s:>14}  {sum(r.axe.values()):>3}  {js:>9}  {style:>9}"
        )
    return "\n".join(lines)
