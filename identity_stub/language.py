"""The language of the stub's pages, and the one it tells clients in the ``locale`` claim.

A client names the language it wants in OIDC's ``ui_locales`` (the wallet sends the one its
pages speak); the login page opens in it and offers both 中文 and ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ. A choice made
on the page is kept in the stub's session and outranks ``ui_locales``. Signing in records the
language the person signed in with, and every ID token and userinfo answer after that carries it.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import g, request, session
from sqlalchemy import select

from common.i18n import SOURCE_LOCALE, TAGS, first_served, locale_of_tag
from identity_stub.extensions import db
from identity_stub.models import LocaleChoice, Person

KEY = "locale"


def requested_locale() -> str | None:
    """``ui_locales`` of the authorization request being served: on ``/authorize`` itself, or in ``next``."""
    if request.args.get("ui_locales"):
        return first_served(request.args["ui_locales"])
    next_url = request.values.get("next") or ""
    return first_served(" ".join(parse_qs(urlsplit(next_url).query).get("ui_locales", [])))


def page_locale() -> str:
    """The locale of this page: the person's choice on the page, else the client's request, else Chinese."""
    return locale_of_tag(session.get(KEY)) or requested_locale() or SOURCE_LOCALE


def set_page_locale() -> None:
    g.locale = page_locale()


def choose(tag: str) -> None:
    """Keep a choice made on the page; a language the stub does not serve is ignored."""
    locale = locale_of_tag(tag)
    if locale is not None:
        session[KEY] = TAGS[locale]


def record_for(person: Person) -> None:
    """Remember the language ``person`` signed in with, for the ``locale`` claim of their tokens."""
    tag = TAGS[page_locale()]
    choice = db.session.get(LocaleChoice, person.id)
    if choice is None:
        db.session.add(LocaleChoice(person_id=person.id, locale=tag))
    elif choice.locale != tag:
        choice.locale = tag
    db.session.commit()


def locale_claim(person: Person) -> str:
    """The ``locale`` claim: the language the person last signed in with, Chinese before any choice."""
    tag = db.session.scalar(select(LocaleChoice.locale).where(LocaleChoice.person_id == person.id))
    return tag or TAGS[SOURCE_LOCALE]
