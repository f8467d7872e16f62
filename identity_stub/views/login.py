"""Login pages: phone + SMS code, the demo persona list, and simulated face verification.

Each page carries ``next``, the authorization request it serves; only this stub's own
authorization endpoint is accepted there.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from sqlalchemy import select

from common.identifiers import fold_or_none
from common.web import render_error
from identity_stub import language
from identity_stub.assurance import LOA_FACE, LOA_SMS
from identity_stub.extensions import db
from identity_stub.models import Person
from identity_stub.signin import authorize_target, current_authentication, sign_in
from identity_stub.sms import SmsRefused, send_code, verify_code
from identity_stub.views import bp

NO_REQUEST = lazy_gettext("没有待完成的登录请求。请回到应用，重新点击“使用蒙速办实名登录”。")


def serving_a_request(view: Callable[..., Any]) -> Callable[..., Any]:
    """Every login step serves one authorization request (``next``); without one there is nothing to log in
    to, so the step answers 400 before it reads anything else. The view receives the request's URL."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        next_url = authorize_target(request.values.get("next"))
        if next_url is None:
            return render_error(400, NO_REQUEST)
        return view(next_url, *args, **kwargs)

    return guarded


def personas() -> list[Person]:
    return list(db.session.scalars(select(Person).where(Person.persona_key.is_not(None)).order_by(Person.persona_key)))


def login_page(next_url: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template("idp/login.html", next_url=next_url, personas=personas(), **context), status


@bp.get("/login")
@serving_a_request
def login(next_url: str) -> Any:
    return login_page(next_url)


def typed_phone() -> str:
    """The phone number as typed, full-width digits from an input method made ASCII."""
    raw = request.form.get("phone", "").strip()
    return fold_or_none(raw) or raw


@bp.post("/login/sms-code")
@serving_a_request
def send_sms_code(next_url: str) -> Any:
    phone = typed_phone()
    try:
        challenge = send_code(phone)
    except SmsRefused as refused:
        return login_page(next_url, 400, phone=phone, phone_error=str(refused))
    return login_page(next_url, phone=phone, sms=challenge)


@bp.post("/login/sms")
@serving_a_request
def login_with_sms(next_url: str) -> Any:
    phone = typed_phone()
    try:
        person = verify_code(phone, request.form.get("code", ""))
    except SmsRefused as refused:
        return login_page(next_url, 400, phone=phone, code_error=str(refused), awaiting_code=True)
    sign_in(person, LOA_SMS, ["sms"], next_url)
    return redirect(next_url, 303)


@bp.post("/login/persona")
@serving_a_request
def login_as_persona(next_url: str) -> Any:
    key = request.form.get("persona", "")
    person = db.session.scalar(select(Person).where(Person.persona_key == key))
    if person is None:
        return login_page(next_url, 400, persona_error=gettext("没有这个演示账号，请从列表中选择。"))
    sign_in(person, LOA_SMS, ["sms"], next_url)
    return redirect(next_url, 303)


@bp.post("/language")
@serving_a_request
def choose_language(next_url: str) -> Any:
    """The login page's language switch: the same page again, in the language chosen."""
    language.choose(request.form.get("locale", ""))
    return redirect(url_for("idp.login", next=next_url), 303)


@bp.route("/verify-face", methods=["GET", "POST"])
@serving_a_request
def verify_face(next_url: str) -> Any:
    auth = current_authentication()
    if auth is None:
        return redirect(url_for("idp.login", next=next_url))
    if request.method == "GET":
        return render_template("idp/face.html", next_url=next_url, person=auth.person)
    sign_in(auth.person, LOA_FACE, ["face"], next_url)
    return redirect(next_url, 303)
