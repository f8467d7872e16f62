"""Chinese texts that are stored, compared or sent as they are, yet read in the reader's language.

A text kept in the database, used as a key or handed to the API must stay the plain Chinese str it
always was; :func:`N_` only marks it for the catalog. Where such a text is shown to a resident,
:func:`shown` looks it up in the catalog of the request's locale (the Chinese text is its own id).
"""

from __future__ import annotations

from flask_babel import gettext


def N_(message: str) -> str:
    """Mark ``message`` for the catalog and hand it back unchanged."""
    return message


def shown(text: str) -> str:
    """A stored or shared Chinese text as the request's locale reads it; unknown texts as they are."""
    return gettext(text) if text else text
