"""The wallet as an OpenID Connect client of 蒙速办, on Authlib's Flask client.

Everything about the provider comes from its discovery document (``OIDC_DISCOVERY_URL``).
Each login carries state, nonce and a PKCE S256 verifier, kept in the wallet's session;
the ID token is checked for signature (asymmetric algorithms only), issuer, audience,
expiry and nonce before anything in it is believed. Each wallet app gets its own
Authlib registry, because the registry caches one client per name and process. Authlib
opens a session for every call to the provider; each borrows the process's pooled,
retrying adapter (:mod:`common.http`), so discovery and key fetches reuse connections.
"""

from __future__ import annotations

import time
from typing import Any

import requests
from authlib.integrations.flask_client import FlaskOAuth2App, OAuth, OAuthError
from authlib.integrations.requests_client import OAuth2Session
from flask import Flask, current_app, redirect, request, session, url_for
from joserfc.errors import ExpiredTokenError, JoseError
from werkzeug.wrappers import Response

from common.http import session_for
from common.translatable import N_, gettext
from wallet.auth.identity import VerifiedIdentity, identity_from_claims
from wallet.language import ui_locales
from wallet.refusals import Refusal

NAME = "mengsuban"
SCOPE = "openid profile idcard"  # what the account needs: name and ID number, nothing more
ID_TOKEN_LEEWAY = 30
ASYMMETRIC = {"ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "EdDSA"}
UNREACHABLE = N_("蒙速办登录服务暂时无法访问，请稍后再试。")
TIMEOUT = 10


class PooledOAuth2Session(OAuth2Session):
    """Authlib's session for one call, sending through the process's shared adapter for the provider."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for prefix, adapter in session_for("oidc", total_timeout=TIMEOUT).adapters.items():
            self.mount(prefix, adapter)

    def close(self) -> None:
        """Keep the shared adapter's pooled connections: Authlib closes its session after every call."""


class ProviderApp(FlaskOAuth2App):
    client_cls = PooledOAuth2Session


def init_provider(app: Flask) -> None:
    oauth = OAuth(app)
    oauth.register(
        NAME,
        client_cls=ProviderApp,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=app.config["OIDC_DISCOVERY_URL"],
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "default_timeout": TIMEOUT},
    )


def provider() -> Any:
    return current_app.extensions["authlib.integrations.flask_client"].create_client(NAME)


def wallet_url(endpoint: str) -> str:
    """An absolute wallet URL as registered at the provider (from ``WALLET_BASE_URL``)."""
    return current_app.config["WALLET_BASE_URL"].rstrip("/") + url_for(endpoint)


def begin(intent: str, next_url: str, acr: str | None = None, scope: str | None = None) -> Response:
    """Send the browser to the provider; ``acr`` asks it to verify the person again at that level,
    ``scope`` asks for more than the account needs (e.g. ``family``) for this one round trip."""
    client = provider()
    extra: dict[str, Any] = {"acr_values": acr, "max_age": 0} if acr else {}
    extra["ui_locales"] = ui_locales()
    if scope:
        extra["scope"] = scope
    callback = wallet_url("auth.callback")
    try:
        started = client.create_authorization_url(callback, **extra)
    except (requests.RequestException, RuntimeError) as error:
        raise Refusal("provider_unreachable", gettext(UNREACHABLE), 502) from error
    client.save_authorize_data(
        redirect_uri=callback, intent=intent, next=next_url, acr=acr, started_at=int(time.time()), **started
    )
    return redirect(started["url"])


def _take_state() -> dict[str, Any]:
    client = provider()
    state = request.args.get("state")
    data = client.framework.get_state_data(session, state) if state else None
    if state:
        client.framework.clear_state_data(session, state)
    if data is None:
        raise Refusal("login_state_invalid", gettext("登录请求已失效或来源无法确认，未登录。请回到首页重新登录。"), 400)
    return data


def _validated_claims(token: dict[str, Any], nonce: str) -> dict[str, Any]:
    client = provider()
    metadata = client.load_server_metadata()
    allowed = [a for a in metadata.get("id_token_signing_alg_values_supported", []) if a in ASYMMETRIC]
    metadata["id_token_signing_alg_values_supported"] = allowed
    if "id_token" not in token or not allowed:
        raise Refusal("token_missing", gettext("蒙速办没有返回可验证的登录凭证，请稍后重新登录。"), 502)
    options = {
        "iss": {"essential": True, "value": metadata["issuer"]},
        "aud": {"essential": True, "value": client.client_id},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
    }
    try:
        return dict(client.parse_id_token(token, nonce=nonce, claims_options=options, leeway=ID_TOKEN_LEEWAY))
    except ExpiredTokenError as error:
        raise Refusal("token_expired", gettext("蒙速办返回的登录凭证已过期，未登录。请重新登录。"), 401) from error
    except (JoseError, ValueError) as error:
        raise Refusal("token_invalid", gettext("蒙速办返回的登录凭证未通过验证，未登录。请重新登录。"), 401) from error


def finish() -> tuple[VerifiedIdentity, dict[str, Any]]:
    """The verified identity and the login's own data (intent, next page; the ID token's verified
    claims under ``claims``), or a Refusal."""
    data = _take_state()
    error = request.args.get("error")
    if error == "access_denied":
        raise Refusal("login_cancelled", gettext("您已取消蒙速办授权或核验，未登录。需要时可重新登录。"), 403)
    if error or not request.args.get("code"):
        raise Refusal("login_unfinished", gettext("蒙速办未完成登录，请重新登录。"), 400)
    try:
        token = provider().fetch_access_token(
            redirect_uri=data["redirect_uri"], code=request.args["code"], code_verifier=data["code_verifier"]
        )
        claims = _validated_claims(token, data["nonce"])
    except OAuthError as refused:
        raise Refusal(
            "code_exchange_failed", gettext("登录凭证兑换失败，可能已被使用或已过期，未登录。请重新登录。"), 400
        ) from refused
    except requests.RequestException as down:
        raise Refusal("provider_unreachable", gettext(UNREACHABLE), 502) from down
    identity = identity_from_claims(claims, token["id_token"])
    if data.get("acr") and (identity.acr != data["acr"] or identity.auth_time < data["started_at"] - ID_TOKEN_LEEWAY):
        raise Refusal("face_check_missing", gettext("本次操作需要人脸核验，核验未完成。请重试。"), 403)
    return identity, {**data, "claims": claims}


def end_at_provider(id_token_hint: str | None) -> Response:
    """Log out at the provider too, coming back to the wallet's logged-out page."""
    return provider().logout_redirect(
        post_logout_redirect_uri=wallet_url("auth.logged_out"), id_token_hint=id_token_hint
    )


def returned_from_logout() -> bool:
    try:
        provider().validate_logout_response()
    except OAuthError:
        return False
    return True
