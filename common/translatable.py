"""Chinese texts that are stored, compared or sent as they are, yet read in the reader's language.

A text kept in the database, used as a key or handed to the API must stay the plain Chinese str it
always was; :func:`N_` only marks it for the catalog. Where such a text is shown to a resident,
:func:`shown` looks it up in the catalog of the request's locale (the Chinese text is its own id).

The shared plumbing (error pages, say) also serves apps that set up no catalog at all: this
module's :func:`gettext` and :func:`lazy_gettext` answer those apps in Chinese instead of failing,
and give the strictly typed modules (the policy, the services, ``common``) a typed ``str``.
"""

from __future__ import annotations

from typing import Any

import flask_babel
from flask import current_app, has_app_context

from common.i18n import catalog


def N_(message: str) -> str:
    """Mark ``message`` for the catalog and hand it back unchanged."""
    return message


def gettext(message: str, **variables: Any) -> str:
    """Flask-Babel's gettext, or the Chinese source text in an app that has no Babel."""
    if has_app_context() and "babel" not in current_app.extensions:
        return message % variables if variables else message
    text = catalog().ugettext(message)
    return text % variables if variables else text


def lazy_gettext(message: str, **variables: Any) -> Any:
    """:func:`gettext`, said when the text is read (for tables read during a request)."""
    return flask_babel.LazyString(gettext, message, **variables)


def shown(text: str) -> str:
    """A stored or shared Chinese text as the request's locale reads it; unknown texts as they are."""
    return gettext(text) if text else text
