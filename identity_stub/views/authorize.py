"""The authorization endpoint: check the request, make sure of the person, ask consent, issue a code.

Errors about the client or its redirect URI are shown here and never redirected; any other
error goes back to the (validated) redirect URI, as OAuth 2.0 requires.
"""

from __future__ import annotations

import time
from typing import Any

from authlib.oauth2 import OAuth2Error
from authlib.oidc.core.errors import InteractionRequiredError, LoginRequiredError
from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext
from sqlalchemy import select

from common.identifiers import ascii_digits
from common.web import render_error
from identity_stub.assurance import LOA_FACE, requested_acr
from identity_stub.claims import CLAIM_LABELS, claims_for_scope
from identity_stub.extensions import authorization, db
from identity_stub.models import Consent
from identity_stub.signin import Authentication, consume_freshness, current_authentication, fresh_for
from identity_stub.views import bp

UNKNOWN_CLIENT = lazy_gettext("发起登录的应用未在蒙速办登记，无法继续。请从应用内重新进入。")
WRONG_REDIRECT = lazy_gettext(
    "登录完成后要返回的地址与该应用登记的不一致。为保护您的账户，登录已停止，请从应用内重新发起。"
)
BAD_REQUEST = lazy_gettext("登录请求不完整或有误，请回到应用重新发起登录。")


def refuse(error: OAuth2Error) -> Any:
    """Send the error to a validated redirect URI, or show it here when there is none to trust."""
    if getattr(error, "redirect_uri", None):
        # Flask's server builds the redirect from the error alone; types-Authlib asks for a request object.
        return authorization.handle_error_response(None, error)  # type: ignore[arg-type]  # see above
    if error.error == "invalid_client":
        return render_error(400, UNKNOWN_CLIENT)
    if "redirect" in (error.description or "").lower():
        return render_error(400, WRONG_REDIRECT)
    return render_error(400, BAD_REQUEST)


def reauthentication_due(auth: Authentication, prompts: list[str], max_age: str | None) -> bool:
    if "login" in prompts:
        return True
    if max_age is None:
        return False
    age_limit = int(max_age) if ascii_digits(max_age) else 0
    return time.time() - auth.auth_time > age_limit


def authentication_step(auth: Authentication | None, redirect_uri: str) -> Any:
    """Where the person must go before a code can be issued (login or face), or None."""
    args = request.args
    pairs = list(args.items(multi=True))
    prompts = (args.get("prompt") or "").split()
    fresh = fresh_for(pairs)
    face = requested_acr(args) == LOA_FACE
    here = request.script_root + request.full_path
    # A face-level request re-authenticates by the face check itself, so only a stranger logs in first.
    if auth is None or (not fresh and not face and reauthentication_due(auth, prompts, args.get("max_age"))):
        if "none" in prompts:
            return refuse(LoginRequiredError(redirect_uri=redirect_uri, state=args.get("state")))
        return redirect(url_for("idp.login", next=here))
    if face and not (fresh and auth.acr == LOA_FACE):
        if "none" in prompts:
            return refuse(InteractionRequiredError(redirect_uri=redirect_uri, state=args.get("state")))
        return redirect(url_for("idp.verify_face", next=here))
    return None


def consent_of(auth: Authentication, client_id: str) -> Consent | None:
    return db.session.scalar(select(Consent).where(Consent.person_id == auth.person.id, Consent.client_id == client_id))


def record_consent(auth: Authentication, client_id: str, scope: str) -> None:
    consent = consent_of(auth, client_id)
    if consent is None:
        db.session.add(Consent(person_id=auth.person.id, client_id=client_id, scope=scope))
    else:
        consent.scope = " ".join(sorted(set(consent.scope.split()) | set(scope.split())))


@bp.route("/authorize", methods=["GET", "POST"])
def authorize() -> Any:
    auth = current_authentication()
    try:
        grant = authorization.get_consent_grant(end_user=auth)
    except OAuth2Error as error:
        return refuse(error)
    if request.method == "POST" and request.form.get("decision") != "allow":
        return authorization.create_authorization_response(grant_user=None, grant=grant)
    step = authentication_step(auth, grant.redirect_uri)
    if step is not None or auth is None:  # a stranger always has a step: logging in
        return step
    client, scope = grant.client, grant.request.scope
    if request.method == "POST":
        record_consent(auth, client.client_id, scope)
    else:
        consent = consent_of(auth, client.client_id)
        if consent is None or not consent.covers(scope) or "consent" in (request.args.get("prompt") or "").split():
            labels = [CLAIM_LABELS[c] for c in claims_for_scope(scope) if c in CLAIM_LABELS]
            return render_template("idp/consent.html", client=client, person=auth.person, labels=labels)
    response = authorization.create_authorization_response(grant_user=auth, grant=grant)
    consume_freshness()
    db.session.commit()
    return response
