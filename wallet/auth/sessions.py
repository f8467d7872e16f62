"""Resident sessions on Flask-Login: bound to the browser that signed in, idle and absolute timeouts.

The session cookie holds only ids and times, plus the last ID token (sealed, for the
provider's logout). A signed-in session names the browser it began in (its user agent, and for
staff its address); a cookie replayed from elsewhere is nobody's session. Only a signed-in session is
checked, and a session is rewritten only when it changes: a visitor's page or icon answered
late with an older cookie would otherwise undo what a request in between stored (a login's state).
Flask-Login's own "strong" protection rewrote every visitor's cookie on every request, so it is off.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, flash, jsonify, redirect, request, session, url_for
from flask_login import confirm_login, login_user, logout_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from common.translatable import N_, gettext
from common.web import wants_json
from wallet.auth.identity import VerifiedIdentity
from wallet.auth.user_agents import browser_of
from wallet.extensions import db, login_manager
from wallet.identity import seal, unseal
from wallet.models import Resident

LOGIN_AT, SEEN_AT, ACR, VERIFIED_AT, ID_TOKEN = "login_at", "seen_at", "acr", "verified_at", "id_token_hint"
BROWSER = "browser"
OWN_KEYS = (LOGIN_AT, SEEN_AT, ACR, VERIFIED_AT, ID_TOKEN, BROWSER)
ID_TOKEN_PURPOSE = "session.id_token_hint"
LOGIN_PROMPT = N_("请先使用蒙速办实名登录。")
TIMED_OUT = N_("登录已超时，为保护您的信息已自动退出。请重新登录。")
# The last-seen time is rewritten at most this often: an unchanged session is not sent back
# (no cookie to sign on most requests), and an idle session ends at most this much early.
SEEN_RESOLUTION_SECONDS = 30
# What an open page fetches by itself — the poll of the live channel, a section refreshed after a
# change (static/js/live.js marks those with this header) — is not the person: a phone left open on
# a page that changes still goes idle and signs out.
BACKGROUND_HEADER = "X-Live-Refresh"
BACKGROUND_ENDPOINTS = frozenset({"resident.live"})


# Built once: a resident is loaded on nearly every request.
# A held account (a child's, wallet.services.family) is never a session's user, whatever the cookie says.
_RESIDENT_WITH_SYNC = (
    select(Resident)
    .options(joinedload(Resident.sync_state))
    .where(Resident.id == bindparam("pk"), Resident.held_since.is_(None))
)


def load_resident(pk: int) -> Resident | None:
    """The resident, with their sync state in the same query: nearly every page reads its change sequence."""
    return db.session.scalar(_RESIDENT_WITH_SYNC, {"pk": pk})


USER_KINDS: dict[str, Callable[[int], Any]] = {"resident": load_resident}


def init_sessions(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = None
    login_manager.login_view = "auth.login"
    app.before_request(enforce_timeouts)


def this_browser(kind: str) -> str:
    """What a signed-in session of ``kind`` is bound to: the browser its user agent names (what an
    app adds to it left out: wallet/auth/user_agents.py), and for staff the address too.

    A resident's phone changes address whenever it moves between Wi-Fi and mobile data, and the
    session, its open pages and their status stream must carry on across that; a clerk's or the
    administrator's desk keeps its address, and a cookie replayed from elsewhere fails on it too.
    """
    address = "" if kind == "resident" else request.remote_addr
    seen = f"{address}|{browser_of(request.headers.get('User-Agent', ''))}"
    return hashlib.sha256(seen.encode()).hexdigest()[:32]


def bind_to_this_browser(kind: str) -> None:
    session[BROWSER] = this_browser(kind)


@login_manager.user_loader
def load_user(user_id: str) -> Any:
    """Session ids read ``<kind>:<primary key>``, so other kinds of user can share the session."""
    kind, _, key = user_id.partition(":")
    if session.get(BROWSER) != this_browser(kind):
        session.clear()  # another browser's cookie (or one from before sessions were bound): signed out
        return None
    loader = USER_KINDS.get(kind)
    return loader(int(key)) if loader and key.isdigit() else None


@login_manager.unauthorized_handler
def unauthorized() -> Any:
    target = url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
    if wants_json():
        return jsonify(ok=False, code="login_required", message=gettext(LOGIN_PROMPT), login_url=target), 401
    if request.headers.get("HX-Request"):
        return "", 200, {"HX-Redirect": target}
    return redirect(target)


def sign_in(resident: Resident, identity: VerifiedIdentity) -> None:
    session.clear()
    login_user(resident, fresh=True)
    now = int(time.time())
    session.update({LOGIN_AT: now, SEEN_AT: now})
    bind_to_this_browser("resident")
    remember_verification(identity)


def remember_verification(identity: VerifiedIdentity) -> None:
    """Keep how and when the provider last verified the person (for step-up) and its ID token."""
    session[ACR] = identity.acr
    session[VERIFIED_AT] = identity.auth_time
    session[ID_TOKEN] = base64.urlsafe_b64encode(seal(identity.id_token, ID_TOKEN_PURPOSE)).decode()


def record_step_up(identity: VerifiedIdentity) -> None:
    confirm_login()
    remember_verification(identity)


def sign_out() -> str | None:
    """End the wallet session; return the ID token to hint the provider's logout with."""
    raw = session.get(ID_TOKEN)
    try:
        hint = unseal(base64.urlsafe_b64decode(raw), ID_TOKEN_PURPOSE) if raw else None
    except ValueError:
        hint = None
    logout_user()
    session.clear()
    return hint


def enforce_timeouts() -> None:
    """End a session idle longer than ``SESSION_IDLE_SECONDS`` or older than ``SESSION_ABSOLUTE_SECONDS``."""
    if request.endpoint in (None, "static"):
        return
    if "_user_id" not in session:
        for key in [k for k in OWN_KEYS if k in session]:
            session.pop(key)
        return
    cfg, now = current_app.config, int(time.time())
    if (
        now - session.get(LOGIN_AT, 0) > cfg["SESSION_ABSOLUTE_SECONDS"]
        or now - session.get(SEEN_AT, 0) > cfg["SESSION_IDLE_SECONDS"]
    ):
        sign_out()
        flash(gettext(TIMED_OUT), "error")
        return
    if now - session.get(SEEN_AT, 0) >= SEEN_RESOLUTION_SECONDS and not fetched_by_the_page():
        session[SEEN_AT] = now


def fetched_by_the_page() -> bool:
    """Whether the open page asked for this by itself, not the person (see BACKGROUND_HEADER)."""
    return request.endpoint in BACKGROUND_ENDPOINTS or request.headers.get(BACKGROUND_HEADER) == "1"
