"""The stub's own sign-in state, kept in its session cookie.

A request that demands fresh authentication (``prompt=login``, ``max_age``, or face
verification for ``urn:mengsuban:loa:3``) is satisfied only by an authentication made
in answer to that very request: signing in records a fingerprint of the authorization
request it was made for, and the authorization endpoint compares it.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from flask import session, url_for

from identity_stub import language
from identity_stub.extensions import db
from identity_stub.models import Person


@dataclass(frozen=True)
class Authentication:
    """Who signed in, how (``acr``/``amr``) and when; what Authlib receives as the grant user."""

    person: Person
    acr: str
    amr: list[str]
    auth_time: int

    def get_user_id(self) -> int:
        return self.person.id


def fingerprint(pairs: Iterable[tuple[str, str]]) -> str:
    return hashlib.sha256(json.dumps(sorted(pairs), ensure_ascii=False).encode()).hexdigest()


def authorize_target(next_url: str | None) -> str | None:
    """``next_url`` when it is this stub's own authorization endpoint, else None (no open redirect)."""
    prefix = url_for("idp.authorize") + "?"
    if next_url and next_url.startswith(prefix) and "\\" not in next_url:
        return next_url
    return None


def current_authentication() -> Authentication | None:
    person_id = session.get("person_id")
    person = db.session.get(Person, person_id) if person_id is not None else None
    if person is None:
        return None
    return Authentication(person, session["acr"], list(session.get("amr", [])), session["auth_time"])


def sign_in(person: Person, acr: str, amr: list[str], for_request: str | None) -> None:
    """Record a successful authentication, bound to the authorization request it answers; the page's
    language outlives the session it was chosen in and becomes the person's ``locale``."""
    language.record_for(person)
    chosen = session.get(language.KEY)
    session.clear()
    session.update(person_id=person.id, acr=acr, amr=amr, auth_time=int(time.time()))
    if chosen:
        session[language.KEY] = chosen
    if for_request:
        session["authn_for"] = fingerprint(parse_qsl(urlsplit(for_request).query, keep_blank_values=True))


def fresh_for(pairs: Iterable[tuple[str, str]]) -> bool:
    return session.get("authn_for") == fingerprint(pairs)


def consume_freshness() -> None:
    session.pop("authn_for", None)


def sign_out() -> None:
    session.clear()
