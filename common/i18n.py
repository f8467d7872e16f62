"""Every part's pages speak through gettext: Chinese is the source language, Mongolian a catalog.

The message ids are the Chinese texts themselves, so a Chinese page needs no catalog and reads
exactly as it did before translation existed; ``translations/`` holds the Mongolian catalog.
Each part decides per request which locale it serves by setting ``g.locale`` (the wallet from
the resident's choice); formatting of dates and numbers follows the same locale.
"""

from __future__ import annotations

from flask import Flask, g
from flask_babel import Babel

from common.settings import PROJECT_ROOT

SOURCE_LOCALE = "zh_Hans_CN"
MONGOLIAN = "mn_Mong_CN"
LOCALES = (SOURCE_LOCALE, MONGOLIAN)
TRANSLATIONS = PROJECT_ROOT / "translations"

babel = Babel()


def chosen_locale() -> str:
    """The locale a part chose for this request, Chinese when it chose none."""
    return g.get("locale") or SOURCE_LOCALE


def init_i18n(app: Flask) -> None:
    babel.init_app(
        app,
        default_locale=SOURCE_LOCALE,
        default_timezone="Asia/Shanghai",
        default_translation_directories=str(TRANSLATIONS),
        locale_selector=chosen_locale,
    )
