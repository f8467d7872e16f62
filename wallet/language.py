"""The language of a resident's pages: 中文 or ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ, chosen per request for the pages residents read.

A signed-in resident's pages follow ``Resident.locale``: each login sets it from 蒙速办's ``locale``
claim, until the resident picks a language on 我的, which then stays. A visitor without an
account (the public check page, a shared link) keeps a choice in the session. Only the resident,
public, shared-link and login pages change language: the unit's and the finance department's
pages and the API stay Chinese, whatever the session says.
"""

from __future__ import annotations

import flask_babel
from flask import g, request, session
from flask_login import current_user

from common.i18n import SOURCE_LOCALE, TAGS, locale_of_tag
from wallet.auth.areas import user_kind
from wallet.models import Resident

SESSION_KEY = "locale"
BLUEPRINTS = frozenset({"resident", "public", "shared", "auth"})


def signed_in_resident() -> Resident | None:
    return current_user if user_kind() == "resident" else None


def visitor_locale() -> str | None:
    """The locale this visitor's pages speak: the resident's own, else the session's choice; None is Chinese."""
    resident = signed_in_resident()
    if resident is not None and resident.locale:
        return resident.locale
    return session.get(SESSION_KEY)


def set_page_locale() -> None:
    """Give the resident, public, shared-link and login pages the visitor's language (a ``before_request``)."""
    if request.blueprint in BLUEPRINTS:
        g.locale = visitor_locale()


def follow_login(claimed: str | None = None) -> None:
    """Speak, from this request on, the language a login settled.

    A person without an account yet (the activation page) is read in the language 蒙速办 claims;
    a signed-in resident in their account's. Flask-Babel keeps the locale it chose when the request
    began — before the login — so it is asked to choose again: the flash said next is in the new language.
    """
    if claimed:
        session[SESSION_KEY] = claimed
    g.locale = visitor_locale()
    flask_babel.refresh()


def ui_locales() -> str:
    """OIDC's ``ui_locales`` for a login started now: the language of the page it starts from."""
    return TAGS.get(visitor_locale() or SOURCE_LOCALE, TAGS[SOURCE_LOCALE])


def choose(tag: str) -> str | None:
    """Keep the language chosen on 我的 or a public page (the resident's for good); None if not served."""
    locale = locale_of_tag(tag)
    if locale is None:
        return None
    session[SESSION_KEY] = locale
    resident = signed_in_resident()
    if resident is not None:
        resident.locale, resident.locale_chosen = locale, True
    return locale
