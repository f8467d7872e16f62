"""make check-ui's verdict: each budget of issue 10 fails the run when broken, and only then."""

from __future__ import annotations

import pytest

from scripts.ui_budgets import (
    Budgets,
    PageResult,
    breaches,
    failing_audits,
    gzip_size,
    lighthouse_scores,
    script_urls,
    style_urls,
)


def good_pages() -> list[PageResult]:
    scores = {"performance": 97, "accessibility": 100, "best_practices": 100}
    return [
        PageResult("home", "/", dict(scores), js_gzip_bytes=17 * 1024, style_bytes=6 * 1024),
        PageResult("home-mn", "/", dict(scores), js_gzip_bytes=17 * 1024, style_bytes=24 * 1024),
        PageResult("unit-inbox", "/unit/", dict(scores)),
    ]


def report(performance: float, accessibility: float) -> dict:
    return {
        "categories": {
            "performance": {"score": performance, "auditRefs": [{"id": "largest-contentful-paint", "weight": 25}]},
            "accessibility": {
                "score": accessibility,
                "auditRefs": [{"id": "color-contrast", "weight": 7}, {"id": "aria-allowed-role", "weight": 0}],
            },
            "best-practices": {"score": None, "auditRefs": []},
        },
        "audits": {
            "largest-contentful-paint": {"score": 0.91},
            "color-contrast": {"score": 0},
            "aria-allowed-role": {"score": 0},
            "network-requests": {
                "details": {
                    "items": [
                        {"url": "http://127.0.0.1:1/static/vendor/htmx/htmx.min.js", "resourceType": "Script"},
                        {"url": "http://127.0.0.1:1/static/css/app.css", "resourceType": "Stylesheet"},
                        {"url": "http://127.0.0.1:1/static/fonts/mn.woff2", "resourceType": "Font"},
                    ]
                }
            },
        },
    }


def test_pages_within_every_budget_pass():
    assert breaches(Budgets(), good_pages()) == []


@pytest.mark.parametrize(
    ("key", "score", "expected"),
    [
        ("performance", 94, "home: performance 94 < 95"),
        ("accessibility", 99, "home: accessibility 99 < 100"),
        ("best_practices", 92, "home: best_practices 92 < 95"),
    ],
)
def test_a_score_below_its_minimum_fails(key, score, expected):
    pages = good_pages()
    pages[0].scores[key] = score
    assert breaches(Budgets(), pages) == [expected]


def test_one_axe_violation_fails_and_names_the_rule():
    pages = good_pages()
    pages[2].axe = {"color-contrast": 2}
    assert breaches(Budgets(), pages) == ["unit-inbox: 2 axe violations > 0 — color-contrast ×2"]


def test_list_page_javascript_over_25_kb_gzipped_fails():
    pages = good_pages()
    pages[0].js_gzip_bytes = 25 * 1024 + 1
    assert breaches(Budgets(), pages) == ["home: JavaScript 25.0 KB gzipped > 25 KB"]
    pages[0].js_gzip_bytes = 25 * 1024
    assert breaches(Budgets(), pages) == []


def test_the_mongolian_list_counts_its_stylesheet_and_font_against_the_style_budget():
    pages = good_pages()
    pages[1].style_bytes = 30 * 1024 + 1
    assert breaches(Budgets(), pages) == ["home-mn: stylesheets and fonts 30.0 KB > 30 KB"]
    pages[1].style_bytes = None
    assert breaches(Budgets(), pages) == ["home-mn: stylesheet and font size was not measured"]


def test_an_unmeasured_budget_fails_rather_than_passes():
    pages = good_pages()
    pages[0].js_gzip_bytes = None
    del pages[2].scores["accessibility"]
    assert breaches(Budgets(), pages) == [
        "home: JavaScript size was not measured",
        "unit-inbox: no Lighthouse accessibility score",
    ]


def test_budgets_come_from_the_environment():
    budgets = Budgets.from_env({"CHECK_UI_MAX_LIST_JS_KB": "5", "CHECK_UI_MIN_PERFORMANCE": "99"})
    assert (budgets.list_js_kb, budgets.performance, budgets.accessibility) == (5.0, 99, 100)
    assert breaches(budgets, good_pages()) == [
        "home: performance 97 < 99",
        "home: JavaScript 17.0 KB gzipped > 5 KB",
        "home-mn: performance 97 < 99",
        "home-mn: JavaScript 17.0 KB gzipped > 5 KB",
        "unit-inbox: performance 97 < 99",
    ]


def test_lighthouse_report_gives_scores_failing_audits_and_scripts():
    lh = report(0.96, 0.93)
    assert lighthouse_scores(lh) == {"performance": 96, "accessibility": 93, "best_practices": 0}
    assert failing_audits(lh) == {
        "performance": ["largest-contentful-paint (91)"],
        "accessibility": ["color-contrast (0)"],
    }
    assert script_urls(lh) == ["http://127.0.0.1:1/static/vendor/htmx/htmx.min.js"]
    assert style_urls(lh) == [
        ("http://127.0.0.1:1/static/css/app.css", True),
        ("http://127.0.0.1:1/static/fonts/mn.woff2", False),
    ]


def test_gzip_size_is_what_travels_compressed():
    body = b"function f(){return 1}\n" * 400
    assert 0 < gzip_size(body) < len(body) / 10
