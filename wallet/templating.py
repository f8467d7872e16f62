"""Jinja filters for what residents read: money in yuan, times in Beijing time, masked identities.

Each filter that formats a date, an amount, a code or a masked ID number hands back a
*token*: the text in a ``<span class="nowrap" translate="no">`` (it is read as it is, not
translated: a check code of six letters is not a word). A phone line breaks at a hyphen or
anywhere in a long run of digits, and "2026-" / "09-26" or half an ID number is misread;
wrapping here keeps every page that formats through these filters whole, with no rule
per template.

Dates, times, amounts and numbers are formatted by Babel for the page's locale, with explicit
patterns: ISO days and 24-hour Beijing times, Western digits and ``,`` grouping, as the bills
themselves print them, in Chinese and Mongolian alike (a Mongolian page sets them upright in
its vertical line). 大写 amounts are a legal form and are written by ``common.money`` in Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from flask import Flask, has_request_context, request
from flask_babel import get_locale
from markupsafe import Markup, escape

from common.i18n import SOURCE_LOCALE
from common.timeutil import to_local
from common.translatable import shown
from wallet.identity import mask_id_number, mask_name
from wallet.presenters.kept_parts import bill_card, document_part


def token(value: object) -> Markup:
    """``value`` as one unbreakable run of text (escaped); nothing at all for a missing value."""
    text = "" if value is None else str(value)
    if text == "":
        return Markup("")
    # Joined, not ``Markup.format``: the same escaping at a fraction of the cost, and a bill's page uses this ~80 times.
    return Markup(f'<span class="nowrap" translate="no">{escape(value)}</span>')


# In words already written (a notice's body, a reminder): times, dates, amounts and long runs of
# digits (codes, numbers), each of which a line must not break.
_TOKENS_IN_WORDS = re.compile(r"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?|¥-?[\d,]+\.\d{2}|\d{6,}")


def tokens_in(text: str | None) -> Markup:
    """Words written with their facts in them, escaped, each time, date, amount and code a token."""
    escaped = str(escape(text or ""))
    return Markup(_TOKENS_IN_WORDS.sub(lambda m: f'<span class="nowrap" translate="no">{m.group(0)}</span>', escaped))


DAY, MINUTE, SECOND = "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"
AMOUNT, WHOLE = "#,##0.00", "#,##0"
_SOURCE = Locale.parse(SOURCE_LOCALE)


def page_locale() -> Locale:
    """The locale of the page being rendered (Chinese outside a request)."""
    return get_locale() or _SOURCE


def number(value: int | Decimal) -> str:
    """A count or figure, grouped by thousands in Western digits: ``12,345``."""
    return format_decimal(value, WHOLE, locale=page_locale(), numbering_system="latn")


@lru_cache(maxsize=4096)
def _yuan(fen: int, locale: Locale) -> str:
    """Kept per amount and locale: Babel's number formatting costs a bill page's ~20 amounts a third of a
    millisecond, and the same amounts come back on every view of the same bills."""
    figure = format_decimal(Decimal(abs(fen)).scaleb(-2), AMOUNT, locale=locale, numbering_system="latn")
    return f"{'-' if fen < 0 else ''}¥{figure}"


def yuan_token(fen: int) -> Markup:
    """``-680000`` → ``-¥6,800.00``: figures as a bill prints them."""
    return token(_yuan(fen, page_locale()))


def local_datetime(value: datetime | str | None, seconds: bool = False) -> Markup:
    """An instant in Beijing time, to the minute (or the second)."""
    if value is None:
        return Markup("")
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return token(format_datetime(to_local(value), SECOND if seconds else MINUTE, locale=page_locale()))


def local_date(value: datetime | date | str | None) -> Markup:
    """A calendar day: an instant's day in Beijing, or a date (or ISO date string) as written."""
    if value is None or value == "":
        return Markup("")
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = to_local(value).date()
    return token(format_date(value, DAY, locale=page_locale()))


def masked_id(id_number: str) -> Markup:
    return token(mask_id_number(id_number))


PLAIN = (str, int, type(None))  # values whose text is the whole of what they put in a URL (None: nothing)


def kept_url_for(app: Flask) -> Callable[..., str]:
    """Templates' ``url_for`` with each plain URL (no ``_external``, ``_anchor`` and the like) built once per
    process for the path the app is mounted at: every page's frame builds about fifteen of them (style
    sheets, scripts, icons, tabs, the top bar's links), which took about a twentieth of a freshly made list.
    The values the app's ``url_defaults`` add (the family member a page acts for, wallet.resident.holder)
    are added before the lookup, so they are part of what a URL is kept under; the app has no
    host-dependent rules, so a URL depends on nothing else."""

    @lru_cache(maxsize=2048)
    def built(script_root: str, blueprint: str | None, endpoint: str, values: tuple[tuple[str, Any], ...]) -> str:
        return app.url_for(endpoint, **dict(values))

    def url_for(endpoint: str, **values: Any) -> str:
        if (values and not all(name[0] != "_" and type(v) in PLAIN for name, v in values.items())) or (
            not has_request_context()
        ):
            return app.url_for(endpoint, **values)
        app.inject_url_defaults(endpoint, values)
        return built(request.script_root, request.blueprint, endpoint, tuple(values.items()))

    return url_for


def register_filters(app: Flask) -> None:
    app.jinja_env.globals["url_for"] = kept_url_for(app)
    app.jinja_env.globals["document_part"] = document_part
    app.jinja_env.globals["bill_card"] = bill_card
    app.add_template_filter(yuan_token, "yuan_display")
    app.add_template_filter(local_datetime, "local_datetime")
    app.add_template_filter(local_date, "local_date")
    app.add_template_filter(masked_id, "mask_id")
    app.add_template_filter(mask_name, "mask_name")
    app.add_template_filter(shown, "shown")
    app.add_template_filter(token, "token")
    app.add_template_filter(number, "number")
    app.add_template_filter(tokens_in, "tokens_in")
