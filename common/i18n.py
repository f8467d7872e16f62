"""Every part's pages speak through gettext: Chinese is the source language, Mongolian a catalog.

The message ids are the Chinese texts themselves, so a Chinese page needs no catalog and reads
exactly as it did before translation existed; ``translations/`` holds the Mongolian catalog.
Each part decides per request which locale it serves by setting ``g.locale`` (the wallet from
the resident's choice); formatting of dates and numbers follows the same locale.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from babel.support import NullTranslations
from flask import Flask, g, has_app_context
from flask_babel import Babel, get_locale, get_translations
from markupsafe import Markup

from common.settings import PROJECT_ROOT

SOURCE_LOCALE = "zh_Hans_CN"
MONGOLIAN = "mn_Mong_CN"
LOCALES = (SOURCE_LOCALE, MONGOLIAN)
# The BCP 47 tag of each locale: the ``lang`` of a page, OIDC's ``locale`` claim and ``ui_locales``.
TAGS = {SOURCE_LOCALE: "zh-CN", MONGOLIAN: "mn-Mong-CN"}
# Each language named in itself, as a language switch offers it (never translated).
LANGUAGE_NAMES = {SOURCE_LOCALE: "中文", MONGOLIAN: "ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ"}
TRANSLATIONS = PROJECT_ROOT / "translations"

babel = Babel()
# Flask-Babel's per-request state (on ``g``), and where catalog() keeps what it found there.
_BABEL_STATE, _CATALOG = "_flask_babel", "i18n_catalog"


def chosen_locale() -> str:
    """The locale a part chose for this request, Chinese when it chose none."""
    return g.get("locale") or SOURCE_LOCALE


def locale_of_tag(tag: str | None) -> str | None:
    """The locale a BCP 47 tag (``mn-Mong-CN``, ``mn``, ``zh-Hans``…) asks for, None for a language not served."""
    language = (tag or "").strip().replace("_", "-").split("-")[0].lower()
    return {"zh": SOURCE_LOCALE, "mn": MONGOLIAN}.get(language)


def first_served(tags: str | None) -> str | None:
    """The first served locale of a space-separated preference list, as OIDC's ``ui_locales`` sends it."""
    return next(filter(None, map(locale_of_tag, (tags or "").split())), None)


def current_locale() -> str:
    """The locale pages are rendered in right now (a request's, or one forced for a notice): what any
    rendered text kept for reuse must be keyed by, so one language's text never serves the other.

    Read from Flask-Babel's request state once it chose (a list asks for each of its cards): the
    state holds the forced locale while one is forced, and the chosen one otherwise."""
    state = g.get(_BABEL_STATE) if has_app_context() else None
    locale = getattr(state, "babel_locale", None) or get_locale()
    return str(locale) if locale is not None else SOURCE_LOCALE


def catalog() -> NullTranslations:
    """The translations of the locale pages are rendered in right now.

    Flask-Babel finds them anew on every text (its request state, the locale's identifier, its
    cache), which cost a page of a few hundred texts about as much as its database reads. So the
    catalog found is kept in Flask-Babel's own request state beside the locale it was found for.
    A locale chosen again (``flask_babel.refresh`` after a login, ``force_locale`` for a notice) is
    another locale object there, so its catalog is found again (tests/common/test_catalog.py).
    """
    state = g.get(_BABEL_STATE) if has_app_context() else None
    locale = getattr(state, "babel_locale", None)
    kept = getattr(state, _CATALOG, None)
    if locale is not None and kept is not None and kept[0] is locale:
        return cast(NullTranslations, kept[1])
    translations = cast(NullTranslations, get_translations())
    state = g.get(_BABEL_STATE) if has_app_context() else None
    locale = getattr(state, "babel_locale", None)
    if locale is not None:
        setattr(state, _CATALOG, (locale, translations))
    return translations


def page_gettext(string: str, **variables: Any) -> Markup:
    """``_()`` in templates, as Jinja's newstyle gettext has it on an autoescaped page (every page here
    is one): the text is markup, the variables are escaped into it, and ``%%`` is always a percent
    sign. Jinja's own goes through three context calls per text, as much again as the lookup."""
    return said(catalog().ugettext(string), variables)


def said(text: str, variables: dict[str, Any]) -> Markup:
    """A translated text as a page says it; a text with no ``%`` in it needs no formatting."""
    return Markup(text) % variables if variables or "%" in text else Markup(text)


def page_translator() -> dict[str, Callable[..., Markup]]:
    """``_()`` for one render, bound to the catalog the page is rendered in (a context processor).

    A page says forty or more texts; finding the catalog anew for each through the request's state
    cost more than the lookups themselves. A render never changes language halfway, so its texts
    share one catalog; a macro imported without the page's context still has the global ``_``."""
    lookup = catalog().ugettext

    def translated(string: str, **variables: Any) -> Markup:
        return said(lookup(string), variables)

    return {"_": translated, "gettext": translated}


def mongolian_page() -> bool:
    """Whether this request's pages speak Mongolian (their layout then runs vertically)."""
    locale = get_locale()
    return locale is not None and locale.language == "mn"


def html_lang() -> str:
    """The ``lang`` of this request's pages."""
    return TAGS[MONGOLIAN] if mongolian_page() else TAGS[SOURCE_LOCALE]


def language_choices() -> list[tuple[str, str, bool]]:
    """What a language switch offers: each language's tag, its own name, and whether this page speaks it."""
    current = html_lang()
    return [(TAGS[locale], name, TAGS[locale] == current) for locale, name in LANGUAGE_NAMES.items()]


def init_i18n(app: Flask) -> None:
    babel.init_app(
        app,
        default_locale=SOURCE_LOCALE,
        default_timezone="Asia/Shanghai",
        default_translation_directories=str(TRANSLATIONS),
        locale_selector=chosen_locale,
    )
    # Flask-Babel's own callables look the catalog up for each text; these ask catalog().
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: catalog().ugettext(s),
        ngettext=lambda s, p, n: catalog().ungettext(s, p, n),
        pgettext=lambda c, s: catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalog().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.context_processor(page_translator)
    app.jinja_env.globals.update(
        _=page_gettext,
        gettext=page_gettext,
        html_lang=html_lang,
        mongolian_page=mongolian_page,
        language_choices=language_choices,
    )
