"""Who is signed in to the console: the network's operator (issuer token), a unit's bill administrator,
or a finance officer. One browser session holds one of them; signing in as one signs the others out.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, redirect, request, session, url_for

from fiscal_stub.extensions import db
from fiscal_stub.models import FinanceOfficer, IssuingUnit, UnitAccount

OPERATOR = "fiscal_issuer"
UNIT = "fiscal_unit"
FINANCE = "fiscal_finance"


def sign_in(key: str, value: Any) -> None:
    """A fresh session (nothing carried over from before the login) holding one signed-in person."""
    session.clear()
    session[key] = value


View = Callable[..., Any]


def _required(key: str, endpoint: str, load: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            value = session.get(key)
            if not value or not load(value):
                session.pop(key, None)
                return redirect(url_for(endpoint, next=request.path))
            return view(*args, **kwargs)

        return wrapper

    return decorate


def _load_unit(code: Any) -> bool:
    account = db.session.get(UnitAccount, str(code))
    unit = db.session.get(IssuingUnit, str(code)) if account is not None else None
    g.account, g.unit = account, unit
    return unit is not None


def _load_officer(username: Any) -> bool:
    g.officer = db.session.get(FinanceOfficer, str(username))
    return g.officer is not None


unit_session = _required(UNIT, "fiscal_console.unit_login", _load_unit)
finance_session = _required(FINANCE, "fiscal_console.finance_login", _load_officer)


def next_inside(area: str, fallback: str) -> str:
    """Where to go after a login: the page asked for, if it is inside ``area`` of this console."""
    target = request.args.get("next", "")
    inside = target.startswith(area) and "//" not in target
    return request.script_root + target if inside else fallback
