"""The formatting filters: each date, amount, code and masked ID number comes back as one unbreakable token."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from jinja2 import Environment

from wallet.templating import local_date, local_datetime, masked_id, token, yuan_token

TOKEN = '<span class="nowrap" translate="no">{}</span>'


@pytest.mark.parametrize(
    "formatted, shown",
    [
        (yuan_token(-680000), "-¥6,800.00"),
        (masked_id("15010219860314110x"), "1501**********110X"),
        (local_datetime(datetime(2026, 9, 26, 1, 2, 3, tzinfo=UTC)), "2026-09-26 09:02"),
        (local_datetime("2026-09-26T01:02:03+00:00", seconds=True), "2026-09-26 09:02:03"),
        (local_date(datetime(2026, 9, 25, 17, 0, tzinfo=UTC)), "2026-09-26"),  # already the 26th in Beijing
        (local_date(date(2026, 11, 20)), "2026-11-20"),
        (local_date("2026-11-20"), "2026-11-20"),
        (token(15010001), "15010001"),
    ],
)
def test_each_value_is_one_token(formatted, shown):
    assert formatted == TOKEN.format(shown)


def test_a_token_escapes_its_text_and_a_missing_value_prints_nothing():
    env = Environment(autoescape=True)
    env.filters["token"] = token
    assert env.from_string("{{ text|token }}").render(text="<b>") == TOKEN.format("&lt;b&gt;")
    assert env.from_string("[{{ doc.missing|token }}][{{ none|token }}]").render(doc={}, none=None) == "[][]"
    assert local_datetime(None) == local_date("") == ""


def test_facts_in_written_words_are_kept_whole_and_the_words_escaped():
    from wallet.templating import tokens_in

    html = str(tokens_in("有效期至 2027-01-05 18:51，可报销 ¥1,234.56，票据号码 0000123456。<b>"))
    assert '<span class="nowrap" translate="no">2027-01-05 18:51</span>' in html
    assert '<span class="nowrap" translate="no">¥1,234.56</span>' in html
    assert '<span class="nowrap" translate="no">0000123456</span>' in html
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert str(tokens_in(None)) == ""


def test_figures_and_times_read_the_same_on_a_mongolian_page(wallet_app):
    """Babel formats for the page's locale; both languages write figures and times as the bill does."""
    from flask_babel import force_locale

    from common.i18n import MONGOLIAN
    from wallet.templating import number

    with wallet_app.test_request_context(), force_locale(MONGOLIAN):
        assert yuan_token(123456789) == TOKEN.format("¥1,234,567.89")
        assert local_datetime(datetime(2026, 9, 26, 1, 2, 3, tzinfo=UTC)) == TOKEN.format("2026-09-26 09:02")
        assert local_date(datetime(2026, 9, 25, 17, 0, tzinfo=UTC)) == TOKEN.format("2026-09-26")
        assert number(1234567) == "1,234,567"
    assert number(12) == "12"
