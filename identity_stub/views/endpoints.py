"""Server-to-server endpoints (token, userinfo) and RP-initiated logout."""

from __future__ import annotations

from typing import Any

from authlib.oauth2 import OAuth2Error
from authlib.oidc.rpinitiated import EndSessionRequest
from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from common.web import render_error
from identity_stub.extensions import authorization, csrf, db
from identity_stub.views import bp


@bp.post("/token")
@csrf.exempt
def token() -> ResponseReturnValue:
    """Exchange a code. Spent codes and revocations are committed even when the exchange fails."""
    response = authorization.create_token_response()
    db.session.commit()
    # types-Authlib gives the framework-free server's (status, body, headers); Flask's server answers a Response.
    return response  # type: ignore[return-value]  # see above


@bp.route("/userinfo", methods=["GET", "POST"])
@csrf.exempt
def userinfo() -> ResponseReturnValue:
    try:
        return authorization.create_endpoint_response("userinfo")
    except HTTPException as error:  # the bearer check answers in OAuth's own JSON with WWW-Authenticate
        return error.get_response()


@bp.route("/logout", methods=["GET", "POST"])
def end_session() -> Any:
    try:
        logout = authorization.validate_endpoint_request("end_session")
    except OAuth2Error:
        return render_error(400, gettext("退出请求无效或已过期，未执行跳转。请关闭本页，回到应用重新操作。"))
    if isinstance(logout, EndSessionRequest) and logout.needs_confirmation and request.method == "GET":
        return render_template("idp/logout_confirm.html", client=logout.client)
    response = authorization.create_endpoint_response("end_session", logout)
    return response or render_template("idp/logged_out.html")
