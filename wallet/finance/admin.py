"""The finance department's administrator: one account from configuration, password plus TOTP.

The TOTP key is derived (HKDF-SHA256, base32) from ``FINANCE_ADMIN_TOTP_SEED``, so an operator
sets one secret and reads the key to enrol with ``flask wallet finance-totp``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import wraps
from typing import Any

import click
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, jsonify, redirect, request, url_for

from common.web import wants_json
from wallet.auth.areas import user_kind
from wallet.auth.sessions import USER_KINDS
from wallet.cli import cli
from wallet.services.unit_accounts import otpauth_uri

ADMIN_ID = 1


class FinanceAdmin:
    """The signed-in administrator (not a table row: the account lives in configuration)."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    @property
    def username(self) -> str:
        return str(current_app.config["FINANCE_ADMIN_USERNAME"])

    def get_id(self) -> str:
        return f"finance:{ADMIN_ID}"


USER_KINDS["finance"] = lambda pk: FinanceAdmin() if pk == ADMIN_ID else None


def admin_totp_secret() -> str:
    seed = current_app.config["FINANCE_ADMIN_TOTP_SEED"].encode()
    raw = HKDF(algorithm=hashes.SHA256(), length=20, salt=None, info=b"bill-wallet/finance-totp/v1").derive(seed)
    return base64.b32encode(raw).decode()


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if user_kind() != "finance":
            target = url_for("finance.login")
            if wants_json():
                return jsonify(ok=False, code="login_required", message="请先登录财政部门管理账户。"), 401
            if request.headers.get("HX-Request"):
                return "", 200, {"HX-Redirect": target}
            return redirect(target)
        return view(*args, **kwargs)

    return guarded


@cli.command("finance-totp")
def finance_totp() -> None:
    """Print the administrator's TOTP enrolment URI (scan it into an authenticator app)."""
    click.echo(otpauth_uri(current_app.config["FINANCE_ADMIN_USERNAME"], admin_totp_secret(), "票据夹财政部门管理"))
